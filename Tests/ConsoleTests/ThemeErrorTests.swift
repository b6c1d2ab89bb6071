import Testing

@testable import Console

@Suite struct ThemeErrorTests {
  private func refusal(_ yaml: String) -> String {
    do {
      _ = try Theme.parse(yaml: yaml, file: "Themes/bad.yaml")
      return "accepted"
    } catch {
      return error.description
    }
  }

  @Test func unknownRole() {
    let yaml = """
      # comment
      name: bad
      description: broken on purpose
      roles:
        text: {}
        state.active: { fg: green }
        state.zombie:
          fg: red
      """
    #expect(refusal(yaml) == "Themes/bad.yaml:7: unknown role 'state.zombie'")
  }

  @Test func badColour() {
    let yaml = "name: bad\nroles:\n  text: {}\n  title: { fg: \"#12345\" }\n"
    #expect(
      refusal(yaml)
        == "Themes/bad.yaml:4: bad colour '#12345' (expected a name, #rrggbb or 0-255)")
    let block = "roles:\n  title:\n    attrs: [bold]\n    bg: 300\n"
    #expect(
      refusal(block) == "Themes/bad.yaml:4: bad colour '300' (expected a name, #rrggbb or 0-255)")
  }

  @Test func unquotedHashIsAComment() {
    let yaml = "roles:\n  text:\n    fg: #ffffff\n"
    #expect(
      refusal(yaml)
        == "Themes/bad.yaml:3: missing colour (quote #rrggbb: a bare # starts a YAML comment)")
  }

  @Test func unknownKeys() {
    #expect(
      refusal("name: x\ncolours: {}\n")
        == "Themes/bad.yaml:2: unknown key 'colours' (expected one of: name, description, roles)")
    #expect(
      refusal("roles:\n  text:\n    fg: red\n    blink: true\n")
        == "Themes/bad.yaml:4: unknown key 'blink' (expected one of: fg, bg, attrs)")
  }

  @Test func unknownAttribute() {
    let yaml = "roles:\n  text:\n    attrs:\n      - bold\n      - blink\n"
    #expect(
      refusal(yaml)
        == "Themes/bad.yaml:5: unknown attribute 'blink' "
        + "(expected bold, dim, underline, reverse, italic)")
  }

  @Test func wrongShapes() {
    #expect(refusal("roles: [text]\n") == "Themes/bad.yaml:1: 'roles': expected a mapping")
    #expect(refusal("- a\n- b\n") == "Themes/bad.yaml:1: expected a mapping")
    #expect(
      refusal("roles:\n  text: { attrs: bold }\n") == "Themes/bad.yaml:2: 'attrs': expected a list")
    #expect(refusal("") == "Themes/bad.yaml:1: the file is empty")
  }

  @Test func badYAML() {
    let message = refusal("name: x\nroles:\n  text: { fg: red\n  title: {}\n")
    #expect(message.hasPrefix("Themes/bad.yaml:"))
    #expect(message.contains("bad YAML"))
    #expect(!message.contains("\n"))
    let tabs = refusal("roles:\n\ttext: {}\n")
    #expect(tabs.hasPrefix("Themes/bad.yaml:2: bad YAML"))
  }

  @Test func duplicateKey() {
    let message = refusal("roles:\n  text: {}\n  text: { fg: red }\n")
    #expect(message.hasPrefix("Themes/bad.yaml:"))
    #expect(message == "Themes/bad.yaml:2: duplicate key 'text' in the mapping here")
  }
}
