import Foundation
import Testing

@testable import Console

@Suite struct ThemeTests {
  private static let themesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Themes")

  @Test(arguments: ThemeCatalog.builtinNames)
  func builtinCopyEqualsTheShippedFile(name: String) throws {
    let file = Self.themesDirectory.appendingPathComponent("\(name).yaml")
    let onDisk = try Data(contentsOf: file)
    #expect(onDisk == Data(BuiltinThemes.source(named: name)!.utf8))
  }

  @Test(arguments: ThemeCatalog.builtinNames)
  func builtinThemesParseAndNameEveryRole(name: String) throws {
    let theme = try #require(ThemeCatalog.builtin(named: name))
    #expect(theme.name == name)
    #expect(!theme.description.isEmpty)
    // Every shipped theme spells out every role, so the README's list stays complete.
    let source = BuiltinThemes.source(named: name)!
    for role in Role.allCases {
      #expect(source.contains("  \(role.rawValue): "), "\(name) lacks \(role.rawValue)")
    }
  }

  @Test func readmeDocumentsEveryRole() throws {
    let readme = try String(
      contentsOf: Self.themesDirectory.appendingPathComponent("README.md"), encoding: .utf8)
    for role in Role.allCases {
      #expect(readme.contains("| `\(role.rawValue)` |"), "README lacks \(role.rawValue)")
    }
  }

  @Test func monoIsTheBaseAndHasNoColours() throws {
    let mono = try #require(ThemeCatalog.builtin(named: "mono"))
    for role in Role.allCases {
      #expect(mono[role] == Theme.base[role], "\(role.rawValue)")
      #expect(mono[role].foreground == .default)
      #expect(mono[role].background == .default)
    }
  }

  @Test func missingRolesInheritFromTheBase() throws {
    let theme = try Theme.parse(
      yaml: "name: tiny\nroles:\n  state.active: { fg: green, attrs: [bold] }\n", file: "t.yaml")
    #expect(theme[.stateActive] == RoleStyle(foreground: .named(.green), attributes: .bold))
    #expect(theme[.selection] == Theme.base[.selection])
    #expect(theme[.text] == RoleStyle())
  }

  @Test func colourSyntax() {
    #expect(Color(parsing: "default") == .default)
    #expect(Color(parsing: "bright-cyan") == .named(.brightCyan))
    #expect(Color(parsing: "#5fd75f") == .rgb(red: 0x5F, green: 0xD7, blue: 0x5F))
    #expect(Color(parsing: "#5FD75F") == .rgb(red: 0x5F, green: 0xD7, blue: 0x5F))
    #expect(Color(parsing: "208") == .indexed(208))
    #expect(Color(parsing: "0") == .indexed(0))
    for bad in ["", "#12345", "#1234567", "#gggggg", "256", "-1", "grey", "color12", "1e2"] {
      #expect(Color(parsing: bad) == nil, "\(bad)")
    }
    #expect(Color.rgb(red: 0, green: 0x2B, blue: 0x36).description == "#002b36")
    #expect(Color.indexed(7).description == "7")
  }

  @Test func nearestPaletteColours() {
    #expect(ColorMapping.nearest256(red: 0x5F, green: 0xD7, blue: 0x5F) == 77)
    #expect(ColorMapping.nearest256(red: 0, green: 0, blue: 0) == 16)
    #expect(ColorMapping.nearest256(red: 255, green: 255, blue: 255) == 231)
    #expect(ColorMapping.nearest256(red: 0x80, green: 0x80, blue: 0x80) == 244)
    #expect(ColorMapping.nearest256(red: 0xFF, green: 0xB0, blue: 0) == 214)
    #expect(ColorMapping.nearest8(red: 0xFF, green: 0xB0, blue: 0) == 3)
    #expect(ColorMapping.nearest8(red: 0, green: 0x2B, blue: 0x36) == 0)
    #expect(ColorMapping.nearest8(red: 0xDC, green: 0x32, blue: 0x2F) == 1)
  }

  @Test func resolvingForEachCapability() throws {
    let theme = try Theme.parse(
      yaml: """
        roles:
          text: { fg: "#ffb000", bg: "#000000" }
          selection: { fg: black, bg: bright-cyan }
          progress.done: { fg: 40 }
        """, file: "t.yaml")
    let rich = theme.resolve(for: .trueColor)
    #expect(rich.look(of: Style(.text)).foreground == .rgb(0xFFB000))
    #expect(rich.look(of: Style(.selection)).background == .index(14))
    let palette = theme.resolve(for: .palette256)
    #expect(palette.look(of: Style(.text)).foreground == .index(214))
    #expect(palette.look(of: Style(.text)).background == .index(16))
    #expect(palette.look(of: Style(.progressDone)).foreground == .index(40))
    let basic = theme.resolve(for: .basic8)
    #expect(basic.look(of: Style(.selection)).background == .index(6))
    #expect(basic.look(of: Style(.progressDone)).foreground == .index(2))
    let none = theme.resolve(for: .none)
    let selection = none.look(of: Style(.selection, .bold))
    #expect(selection.foreground == .default && selection.background == .default)
    #expect(selection.attributes == [.reverse, .bold])
    #expect(!none.look(of: Style(.text)).attributes.contains(.reverse))
    #expect(!none.look(of: Style(.progressDone)).attributes.contains(.reverse))
  }

  @Test func catalogLoadsByNameAndPath() throws {
    #expect(try ThemeCatalog.load("amber").name == "amber")
    let path = Self.themesDirectory.appendingPathComponent("solarized-dark.yaml").path
    #expect(try ThemeCatalog.load(path).name == "solarized-dark")
    #expect(throws: ThemeError.self) { try ThemeCatalog.load("no-such-theme") }
    #expect(throws: ThemeError.self) { try ThemeCatalog.load("/nonexistent/x.yaml") }
  }
}
