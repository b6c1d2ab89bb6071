import Foundation
import Yams

/// Turning YAML and decoding failures into `FILE:LINE: reason`.
enum ThemeParser {
  /// A schema violation found while decoding, located by its coding path.
  struct Issue: Error {
    var path: [any CodingKey]
    /// Whether the key itself is wrong (point at the key) rather than its value.
    var atKey: Bool
    var reason: String
  }

  /// Any string or index key, so that unknown keys can be seen and reported.
  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
      stringValue = string
    }

    init(index: Int) {
      stringValue = String(index)
      intValue = index
    }

    init?(stringValue: String) {
      self.stringValue = stringValue
    }

    init?(intValue: Int) {
      self.init(index: intValue)
    }
  }

  static func checkKeys(_ container: KeyedDecodingContainer<Key>, allowed: [String]) throws {
    for key in container.allKeys where !allowed.contains(key.stringValue) {
      throw Issue(
        path: container.codingPath + [key], atKey: true,
        reason: "unknown key '\(key.stringValue)' (expected \(allowed.joined(separator: ", ")))")
    }
  }

  /// The line of the node at `path` (or of its key), falling back to the deepest node found.
  static func line(of path: [any CodingKey], atKey: Bool, in root: Node) -> Int {
    var node = root
    var line = root.mark?.line ?? 1
    for (position, component) in path.enumerated() {
      let isLast = position == path.count - 1
      switch node {
      case .mapping(let mapping):
        guard let pair = mapping.first(where: { $0.key.string == component.stringValue }) else {
          return line
        }
        if isLast, atKey { return pair.key.mark?.line ?? line }
        node = pair.value
      case .sequence(let sequence):
        guard let index = component.intValue, index >= 0, index < sequence.count else {
          return line
        }
        node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
      default:
        return line
      }
      line = node.mark?.line ?? line
    }
    return line
  }

  static func describe(_ error: DecodingError, file: String, root: Node) -> ThemeError {
    switch error {
    case .typeMismatch(let type, let context):
      let expected: String
      if type == Node.Mapping.self {
        expected = "expected a mapping"
      } else if type == Node.Sequence.self {
        expected = "expected a list"
      } else {
        expected = "expected a single value"
      }
      let line = line(of: context.codingPath, atKey: false, in: root)
      return ThemeError(file: file, line: line, reason: expected)
    case .keyNotFound(let key, let context):
      let line = line(of: context.codingPath, atKey: false, in: root)
      return ThemeError(file: file, line: line, reason: "missing key '\(key.stringValue)'")
    case .valueNotFound(_, let context), .dataCorrupted(let context):
      let line = line(of: context.codingPath, atKey: false, in: root)
      return ThemeError(file: file, line: line, reason: "bad value")
    @unknown default:
      return ThemeError(file: file, line: root.mark?.line ?? 1, reason: "bad value")
    }
  }

  /// Yams' own errors: bad YAML, duplicate keys.
  static func describe(_ error: any Error, file: String, yaml: String) -> ThemeError {
    guard let yamlError = error as? YamlError else {
      return ThemeError(file: file, line: 1, reason: oneLine(String(describing: error)))
    }
    switch yamlError {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return ThemeError(file: file, line: mark.line, reason: "bad YAML: \(problem)")
    case .reader(let problem, let offset, _, _):
      let line = offset.map { lineNumber(atUTF8Offset: $0, in: yaml) } ?? 1
      return ThemeError(file: file, line: line, reason: "bad YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      return ThemeError(file: file, line: context.mark.line, reason: "duplicate key \(keys)")
    default:
      return ThemeError(file: file, line: 1, reason: oneLine(String(describing: yamlError)))
    }
  }

  static func lineNumber(atUTF8Offset offset: Int, in text: String) -> Int {
    1 + text.utf8.prefix(max(0, offset)).count(where: { $0 == UInt8(ascii: "\n") })
  }

  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "bad theme file"
  }
}
