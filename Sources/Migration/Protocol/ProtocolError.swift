/// Why bytes from a peer are not a valid message of the migration protocol. Every case reads
/// as one line, so a bad message ends its migration with a reason a person can act on.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
  public var reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { reason }

  static func truncated(_ what: String) -> ProtocolError {
    ProtocolError("truncated message: \(what) runs past the end of the frame")
  }
}
