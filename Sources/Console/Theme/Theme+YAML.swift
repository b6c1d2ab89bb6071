import Foundation
import Yams

extension Theme {
  /// Parses a theme file's text. `file` is used only in error messages; `fallbackName` names
  /// the theme when the file has no `name:`.
  public static func parse(yaml: String, file: String, fallbackName: String? = nil)
    throws(ThemeError) -> Theme
  {
    let node: Node
    do {
      guard let composed = try Yams.compose(yaml: yaml) else {
        throw ThemeError(file: file, line: 1, reason: "empty theme file")
      }
      node = composed
    } catch let error as ThemeError {
      throw error
    } catch {
      throw ThemeParser.describe(error, file: file, yaml: yaml)
    }
    do {
      let decoded = try YAMLDecoder().decode(ThemeFile.self, from: node)
      let name = decoded.name ?? fallbackName ?? file
      return Theme(name: name, description: decoded.description ?? "", roles: decoded.roles)
    } catch let issue as ThemeParser.Issue {
      let line = ThemeParser.line(of: issue.path, atKey: issue.atKey, in: node)
      throw ThemeError(file: file, line: line, reason: issue.reason)
    } catch let error as DecodingError {
      throw ThemeParser.describe(error, file: file, root: node)
    } catch {
      throw ThemeParser.describe(error, file: file, yaml: yaml)
    }
  }
}

/// The schema of a theme file, with strict checking: Codable alone ignores unknown keys, and a
/// misspelt role would otherwise silently fall back to the base look.
private struct ThemeFile: Decodable {
  var name: String?
  var description: String?
  var roles: [Role: RoleStyle] = [:]

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: ThemeParser.Key.self)
    try ThemeParser.checkKeys(container, allowed: ["name", "description", "roles"])
    name = try container.decodeIfPresent(String.self, forKey: .init("name"))
    description = try container.decodeIfPresent(String.self, forKey: .init("description"))
    guard container.contains(.init("roles")) else { return }
    let rolesKey = ThemeParser.Key("roles")
    if try container.decodeNil(forKey: rolesKey) { return }
    let roleContainer = try container.nestedContainer(
      keyedBy: ThemeParser.Key.self, forKey: rolesKey)
    for key in roleContainer.allKeys {
      guard let role = Role(rawValue: key.stringValue) else {
        throw ThemeParser.Issue(
          path: roleContainer.codingPath + [key], atKey: true,
          reason: "unknown role '\(key.stringValue)'")
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
  var style = RoleStyle()

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: ThemeParser.Key.self)
    try ThemeParser.checkKeys(container, allowed: ["fg", "bg", "attrs"])
    style.foreground = try Self.color(container, "fg")
    style.background = try Self.color(container, "bg")
    let attrsKey = ThemeParser.Key("attrs")
    guard container.contains(attrsKey), try !container.decodeNil(forKey: attrsKey) else { return }
    var list = try container.nestedUnkeyedContainer(forKey: attrsKey)
    while !list.isAtEnd {
      let path = list.codingPath + [ThemeParser.Key(index: list.currentIndex)]
      let name = try list.decode(String.self)
      guard let attribute = TextAttributes.named.first(where: { $0.name == name }) else {
        let expected = TextAttributes.named.map(\.name).joined(separator: ", ")
        throw ThemeParser.Issue(
          path: path, atKey: false, reason: "unknown attribute '\(name)' (expected \(expected))")
      }
      style.attributes.insert(attribute.attribute)
    }
  }

  private static func color(_ container: KeyedDecodingContainer<ThemeParser.Key>, _ key: String)
    throws -> Color
  {
    let codingKey = ThemeParser.Key(key)
    guard container.contains(codingKey) else { return .default }
    let text =
      try container.decodeNil(forKey: codingKey)
      ? "" : try container.decode(String.self, forKey: codingKey)
    guard let color = Color(parsing: text) else {
      let reason =
        text.isEmpty
        ? "missing colour (quote #rrggbb: a bare # starts a YAML comment)"
        : "bad colour '\(text)' (expected a name, #rrggbb or 0-255)"
      throw ThemeParser.Issue(
        path: container.codingPath + [codingKey], atKey: false, reason: reason)
    }
    return color
  }
}
