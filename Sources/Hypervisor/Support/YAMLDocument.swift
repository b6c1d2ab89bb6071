import Foundation
import Yams

/// A problem in a YAML file, located: `FILE:LINE: reason`, one line.
public struct YAMLFileError: Error, Equatable, CustomStringConvertible, Sendable {
  public var file: String
  public var line: Int?
  public var reason: String

  public init(file: String, line: Int?, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  /// One line, whatever the file held: control characters in the reason or the file name (a
  /// line break inside a quoted key, found by fuzzing) are written as escapes.
  public var description: String {
    let file = file.escapingControlCharacters
    let reason = reason.escapingControlCharacters
    if let line { return "\(file):\(line): \(reason)" }
    return "\(file): \(reason)"
  }
}

/// A reason attached to a coding path; a decoder or validator throws it and
/// ``YAMLDocument`` turns the path into a line number.
public struct YAMLPathError: Error, Sendable {
  public var path: [String]
  public var reason: String
  public init(path: [any CodingKey], reason: String) {
    self.path = path.map { $0.intValue.map(String.init) ?? $0.stringValue }
    self.reason = reason
  }
}

/// A YAML file parsed once into a node tree, decoded strictly with `Codable`, and able to say
/// on which line any value sits, so every error can name its line.
public struct YAMLDocument {
  public let file: String
  public let root: Node

  /// Parses `text`; a syntax error becomes `FILE:LINE: reason`. A byte-order mark is
  /// dropped first: through Yams, libyaml takes it for content, and the file fails at its
  /// second line with `did not find expected <document start>`.
  public init(text: String, file: String) throws(YAMLFileError) {
    self.file = file
    let text = String(text.droppingByteOrderMark)
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw YAMLFileError(file: file, line: 1, reason: "the file is empty")
      }
      root = node
    } catch let error as YAMLFileError {
      throw error
    } catch let error as YamlError {
      throw Self.describe(error, file: file, text: text)
    } catch {
      throw YAMLFileError(file: file, line: nil, reason: Self.oneLine(error))
    }
  }

  /// Reads and parses a file; a missing or unreadable file is a one-line error too.
  public init(contentsOf path: String) throws(YAMLFileError) {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
      throw YAMLFileError(file: path, line: nil, reason: reason)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw YAMLFileError(file: path, line: nil, reason: "not UTF-8 text")
    }
    try self.init(text: text, file: path)
  }

  /// Decodes the whole document; decoding errors name the line of the offending value.
  public func decode<T: Decodable>(_ type: T.Type) throws(YAMLFileError) -> T {
    do {
      return try YAMLDecoder().decode(type, from: root)
    } catch let error as YAMLPathError {
      throw located(error)
    } catch let error as DecodingError {
      throw describe(error)
    } catch let error as YAMLFileError {
      throw error
    } catch {
      throw YAMLFileError(file: file, line: nil, reason: Self.oneLine(error))
    }
  }

  /// The error for a reason at a coding path.
  public func located(_ error: YAMLPathError) -> YAMLFileError {
    YAMLFileError(file: file, line: line(at: error.path), reason: error.reason)
  }

  /// The line of the value at `path` (keys and array indices), or of the nearest parent found.
  public func line(at path: [String]) -> Int? {
    var node = root
    var line = node.mark?.line
    for component in path {
      switch node {
      case .mapping(let mapping):
        guard let pair = mapping.first(where: { $0.key.string == component }) else {
          return line
        }
        // A key's own line reads better than its value's for a block-style value.
        line = pair.key.mark?.line ?? line
        node = pair.value
        if case .scalar = node { line = node.mark?.line ?? line }
      case .sequence(let sequence):
        guard let index = Int(component), sequence.indices.contains(index) else { return line }
        node = sequence[index]
        line = node.mark?.line ?? line
      default:
        return line
      }
    }
    return line
  }

  private func describe(_ error: DecodingError) -> YAMLFileError {
    func at(_ path: [any CodingKey], _ reason: String) -> YAMLFileError {
      located(YAMLPathError(path: path, reason: reason))
    }
    switch error {
    case .keyNotFound(let key, let context):
      let owner = context.codingPath.last.map { " in '\(Self.name(of: $0))'" } ?? ""
      return at(context.codingPath, "missing key '\(key.stringValue)'\(owner)")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return at(
        context.codingPath, "\(Self.keyLabel(context.codingPath))expected \(Self.name(type))")
    case .dataCorrupted(let context):
      if let underlying = context.underlyingError as? YamlError {
        return Self.describe(underlying, file: file, text: nil)
      }
      return at(
        context.codingPath, "\(Self.keyLabel(context.codingPath))\(context.debugDescription)")
    @unknown default:
      return YAMLFileError(file: file, line: nil, reason: Self.oneLine(error))
    }
  }

  private static func keyLabel(_ path: [any CodingKey]) -> String {
    guard let last = path.last else { return "" }
    return "'\(name(of: last))': "
  }

  private static func name(of key: any CodingKey) -> String {
    key.intValue.map { "item \($0 + 1)" } ?? key.stringValue
  }

  private static func name(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is UInt64.Type: "a whole number"
    case is Double.Type: "a number"
    case is Bool.Type: "true or false"
    default:
      if ["Array", "Unkeyed", "Sequence"].contains(where: String(reflecting: type).contains) {
        "a list"
      } else if String(reflecting: type).contains("Scalar") {
        "a single value"
      } else {
        "a mapping"
      }
    }
  }

  /// Yams' own errors: bad YAML (with the line it names), duplicate keys, characters YAML
  /// refuses. Their descriptions quote the file over several lines; the message keeps one.
  private static func describe(_ error: YamlError, file: String, text: String?) -> YAMLFileError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return YAMLFileError(file: file, line: mark.line, reason: "bad YAML: \(problem)")
    case .reader(let problem, let offset, _, _):
      let line = offset.flatMap { offset in text.map { lineNumber(atUTF8Offset: offset, in: $0) } }
      return YAMLFileError(file: file, line: line, reason: "bad YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      // Yams marks the mapping, not the repeated key.
      return YAMLFileError(
        file: file, line: context.mark.line, reason: "duplicate key \(keys) in the mapping here")
    default:
      return YAMLFileError(file: file, line: nil, reason: "bad YAML: \(oneLine(error))")
    }
  }

  private static func lineNumber(atUTF8Offset offset: Int, in text: String) -> Int {
    String(decoding: text.utf8.prefix(max(0, offset)), as: UTF8.self).fileLines.count
  }

  /// The first line of an error's description.
  private static func oneLine(_ error: any Error) -> String {
    "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "unreadable YAML"
  }
}

/// A coding key for any string, used to see every key a mapping holds.
public struct AnyCodingKey: CodingKey, Hashable {
  public var stringValue: String
  public var intValue: Int?
  public init(stringValue: String) { self.stringValue = stringValue }
  public init?(intValue: Int) {
    stringValue = String(intValue)
    self.intValue = intValue
  }
}

extension Decoder {
  /// Refuses keys that `Keys` does not name: a misspelt key in a hand-written file must not
  /// be silently ignored.
  public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
    let container = try container(keyedBy: AnyCodingKey.self)
    let known = Set(Keys.allCases.map(\.stringValue))
    for key in container.allKeys where !known.contains(key.stringValue) {
      throw YAMLPathError(
        path: codingPath + [key],
        reason: "unknown key '\(key.stringValue)' (expected one of: "
          + Keys.allCases.map(\.stringValue).joined(separator: ", ") + ")")
    }
  }
}
