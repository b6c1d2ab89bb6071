import Foundation
import Hypervisor

/// A theme file that was refused, as one line: `FILE:LINE: reason`. The same error as a
/// scenario file's: both are read by `YAMLDocument`.
public typealias ThemeError = YAMLFileError

extension Theme {
  /// Parses a theme file's text. `file` is used only in error messages; `fallbackName` names
  /// the theme when the file has no `name:`.
  public static func parse(yaml: String, file: String, fallbackName: String? = nil)
    throws(ThemeError) -> Theme
  {
    let decoded = try YAMLDocument(text: yaml, file: file).decode(ThemeFile.self)
    let name = decoded.name ?? fallbackName ?? file
    return Theme(name: name, description: decoded.description ?? "", roles: decoded.roles)
  }
}

/// The schema of a theme file, with strict checking: Codable alone ignores unknown keys, and a
/// misspelt role would otherwise silently fall back to the base look.
private struct ThemeFile: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case name, description, roles
  }

  var name: String?
  var description: String?
  var roles: [Role: RoleStyle] = [:]

  init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decodeIfPresent(String.self, forKey: .name)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    guard container.contains(.roles), try !container.decodeNil(forKey: .roles) else { return }
    let roleContainer = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .roles)
    for key in roleContainer.allKeys {
      guard let role = Role(rawValue: key.stringValue) else {
        throw YAMLPathError(
          path: roleContainer.codingPath + [key], reason: "unknown role '\(key.stringValue)'")
      }
      if try roleContainer.decodeNil(forKey: key) {
        roles[role] = RoleStyle()
      } else {
        roles[role] = try roleContainer.decode(RoleSpec.self, forKey: key).style
      }
    }
  }
}

/// One role's entry: `{ fg: COLOUR, bg: COLOUR, attrs: [ATTRIBUTE, ...] }`.
private struct RoleSpec: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case fg, bg, attrs
  }

  var style = RoleStyle()

  init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    style.foreground = try Self.color(container, .fg)
    style.background = try Self.color(container, .bg)
    guard container.contains(.attrs), try !container.decodeNil(forKey: .attrs) else { return }
    var list = try container.nestedUnkeyedContainer(forKey: .attrs)
    while !list.isAtEnd {
      let path = list.codingPath + [AnyCodingKey(intValue: list.currentIndex)!]
      let name = try list.decode(String.self)
      guard let attribute = TextAttributes.named.first(where: { $0.name == name }) else {
        let expected = TextAttributes.named.map(\.name).joined(separator: ", ")
        throw YAMLPathError(
          path: path, reason: "unknown attribute '\(name)' (expected \(expected))")
      }
      style.attributes.insert(attribute.attribute)
    }
  }

  private static func color(_ container: KeyedDecodingContainer<Keys>, _ key: Keys) throws
    -> Color
  {
    guard container.contains(key) else { return .default }
    let text =
      try container.decodeNil(forKey: key) ? "" : try container.decode(String.self, forKey: key)
    guard let color = Color(parsing: text) else {
      let reason =
        text.isEmpty
        ? "missing colour (quote #rrggbb: a bare # starts a YAML comment)"
        : "bad colour '\(text)' (expected a name, #rrggbb or 0-255)"
      throw YAMLPathError(path: container.codingPath + [key], reason: reason)
    }
    return color
  }
}
