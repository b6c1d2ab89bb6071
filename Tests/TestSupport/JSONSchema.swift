import Foundation

/// A JSON value as decoded, with integers told apart from other numbers.
public enum JSONValue: Decodable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public static func parse(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }
}

/// Validates JSON values against the subset of JSON Schema (2020-12) that
/// docs/events.schema.json uses. A keyword outside the subset is an error, so the schema
/// cannot rely on a rule that is silently not checked.
public struct JSONSchemaValidator {
  let schema: JSONValue
  static let known: Set<String> = [
    "$schema", "$id", "title", "description", "type", "const", "enum", "required", "properties",
    "additionalProperties", "items", "minItems", "maxItems", "minimum", "maximum", "minLength",
    "pattern", "oneOf",
  ]

  public init(_ schema: JSONValue) { self.schema = schema }

  /// Every problem with `value`, empty when it conforms.
  public func problems(_ value: JSONValue) -> [String] {
    check(value, against: schema, at: "$")
  }

  func check(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
    guard case .object(let rules) = schema else { return ["\(path): the schema is not an object"] }
    var problems: [String] = []
    for key in rules.keys where !Self.known.contains(key) {
      problems.append("\(path): schema keyword \(key) is not supported by the validator")
    }
    if case .string(let type)? = rules["type"], !Self.matches(value, type) {
      problems.append("\(path): \(value) is not of type \(type)")
    }
    if let constant = rules["const"], !Self.equal(value, constant) {
      problems.append("\(path): \(value) is not \(constant)")
    }
    if case .array(let allowed)? = rules["enum"],
      !allowed.contains(where: { Self.equal(value, $0) })
    {
      problems.append("\(path): \(value) is not one of \(allowed)")
    }
    if case .string(let text) = value {
      if case .integer(let length)? = rules["minLength"], text.count < length {
        problems.append("\(path): \"\(text)\" is shorter than \(length)")
      }
      if case .string(let pattern)? = rules["pattern"],
        text.range(of: pattern, options: .regularExpression) == nil
      {
        problems.append("\(path): \"\(text)\" does not match \(pattern)")
      }
    }
    if let number = Self.number(value) {
      if let minimum = rules["minimum"].flatMap(Self.number), number < minimum {
        problems.append("\(path): \(number) is below \(minimum)")
      }
      if let maximum = rules["maximum"].flatMap(Self.number), number > maximum {
        problems.append("\(path): \(number) is above \(maximum)")
      }
    }
    if case .array(let items) = value {
      if case .integer(let least)? = rules["minItems"], items.count < least {
        problems.append("\(path): \(items.count) items, fewer than \(least)")
      }
      if case .integer(let most)? = rules["maxItems"], items.count > most {
        problems.append("\(path): \(items.count) items, more than \(most)")
      }
      if let itemSchema = rules["items"] {
        for (index, item) in items.enumerated() {
          problems += check(item, against: itemSchema, at: "\(path)[\(index)]")
        }
      }
    }
    if case .object(let fields) = value {
      if case .array(let required)? = rules["required"] {
        for case .string(let name) in required where fields[name] == nil {
          problems.append("\(path): required field \(name) is missing")
        }
      }
      let properties: [String: JSONValue]
      if case .object(let declared)? = rules["properties"] {
        properties = declared
      } else {
        properties = [:]
      }
      for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
        if let fieldSchema = properties[name] {
          problems += check(field, against: fieldSchema, at: "\(path).\(name)")
        } else if rules["additionalProperties"] == .bool(false) {
          problems.append("\(path): field \(name) is not allowed here")
        }
      }
    }
    if case .array(let branches)? = rules["oneOf"] {
      let results = branches.map { check(value, against: $0, at: path) }
      let matching = results.filter(\.isEmpty).count
      if matching != 1 {
        // The branch whose kind matches says best what is wrong.
        let closest = results.min { $0.count < $1.count } ?? []
        problems.append(
          "\(path): matches \(matching) of the \(branches.count) kinds, not one"
            + (closest.isEmpty ? "" : ": " + closest.joined(separator: "; ")))
      }
    }
    return problems
  }

  static func matches(_ value: JSONValue, _ type: String) -> Bool {
    switch (type, value) {
    case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
      ("null", .null), ("integer", .integer), ("number", .integer), ("number", .number):
      return true
    default:
      return false
    }
  }

  static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .integer(let integer): Double(integer)
    case .number(let number): number
    default: nil
    }
  }

  static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    if let x = number(a), let y = number(b) { return x == y }
    return a == b
  }
}
