import Foundation

/// A theme file that was refused, with where and why, as one line: `FILE:LINE: reason`.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The file as the user named it.
  public var file: String
  /// 1-based line of the offending key or value.
  public var line: Int
  /// What is wrong, in lower case, without a trailing full stop.
  public var reason: String

  public init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var description: String { "\(file):\(line): \(reason)" }
  public var errorDescription: String? { description }
}
