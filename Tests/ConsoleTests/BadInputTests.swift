import Console
import Foundation
import Testing

/// Rows of `docs/errors.md` about theme files that other tests check only by type: the exact
/// one-line message for a missing file, an unknown built-in name and an unreadable file.
@Suite struct BadInputTests {
  private func refusal(_ nameOrPath: String) -> String {
    do {
      _ = try ThemeCatalog.load(nameOrPath)
      return "accepted"
    } catch {
      return error.description
    }
  }

  @Test func missingThemeFile() {
    #expect(refusal("/nonexistent/x.yaml") == "/nonexistent/x.yaml: no such file")
  }

  @Test func unknownThemeName() {
    #expect(
      refusal("no-such-theme")
        == "no-such-theme: no such theme (built-in themes: "
        + ThemeCatalog.builtinNames.joined(separator: ", ") + ")")
  }

  /// Bytes that are not UTF-8 cannot be read as a theme (as root, a mode cannot stop a read,
  /// so this is the portable way to make a file that exists but cannot be read).
  @Test func themeFileThatIsNotText() throws {
    let path = NSTemporaryDirectory() + "ldm-bad-theme-\(UUID().uuidString).yaml"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(
      to: URL(fileURLWithPath: path))
    #expect(
      refusal(path) == "\(path): cannot read the file (not UTF-8 text, or no permission)")
  }

  /// Found by fuzzing: a key with a line break in it (a quoted key, or one spanning lines) is
  /// quoted in the message, which must stay one line.
  @Test func messagesStayOneLineWhateverTheFileHolds() {
    let inputs = [
      "roles:\n  text: { fg:\u{FFFD}\u{FFFD}2-\u{FFFD}\u{FFFD} ba\n\n- 00\" }\n  title: { fg: 208 }\n",
      "roles:\n  \"te\\nxt\": {}\n",
      "roles:\n  text: { fg: \"red\\nblue\" }\n",
      "name: x\n\"col\\rours\": {}\n",
    ]
    for yaml in inputs {
      do {
        _ = try Theme.parse(yaml: yaml, file: "fuzz.yaml")
        Issue.record("accepted \(yaml)")
      } catch {
        let message = error.description
        #expect(message.hasPrefix("fuzz.yaml:"), "\(message)")
        #expect(!message.contains { $0.isNewline }, "\(message)")
      }
    }
  }
}
