import Foundation
import TestSupport
import Testing

@testable import Console

/// Theme files are read by the scenario's `YAMLDocument`: one saved on Windows (CRLF, a
/// byte-order mark) or with CR line ends is the same theme, and its errors name their line.
@Suite struct ThemeTextFileTests {
  @Test(arguments: ["amber", "default", "high-contrast", "mono", "solarized-dark"])
  func lineEndsAndByteOrderMarkGiveTheSameTheme(name: String) throws {
    // Without the opening comment: libyaml copes with a byte-order mark before a comment.
    let lines = try Fixtures.text("Themes/\(name).yaml")
      .split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") }
    let expected = try Theme.parse(yaml: lines.joined(separator: "\n"), file: "unix.yaml")
    for (kind, text) in [
      ("CRLF", lines.joined(separator: "\r\n")),
      ("BOM", "\u{FEFF}" + lines.joined(separator: "\n")),
      ("BOM and CRLF", "\u{FEFF}" + lines.joined(separator: "\r\n")),
      ("CR", lines.joined(separator: "\r")),
    ] {
      #expect(try Theme.parse(yaml: text, file: "\(kind).yaml") == expected, "\(kind)")
    }
  }

  @Test func errorsOfACRLFThemeNameTheirLine() {
    let text = "\u{FEFF}name: x\r\nroles:\r\n  text: { fg: red }\r\n  state.zombie: { fg: red }\r\n"
    #expect(throws: ThemeError(file: "bad.yaml", line: 4, reason: "unknown role 'state.zombie'")) {
      try Theme.parse(yaml: text, file: "bad.yaml")
    }
  }
}
