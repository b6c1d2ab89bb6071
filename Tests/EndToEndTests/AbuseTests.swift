import Testing

extension EndToEnd {
  @Suite("End to end: abuse and secrets")
  struct AbuseTests {
    static func lines(_ screen: String) -> [String] {
      screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Columns a line takes: East Asian wide characters and emoji take two.
    static func columns(_ line: String) -> Int {
      line.unicodeScalars.reduce(0) { total, scalar in
        let value = scalar.value
        let wide =
          (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
          || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
          || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
          || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1FAFF).contains(value)
          || (0x20000...0x3FFFD).contains(value)
        return total + (wide ? 2 : 1)
      }
    }

    /// Every line in `rows` opens a box at the left edge and closes it at the right edge,
    /// `width` columns wide.
    static func bordersIntact(_ screen: String, width: Int, rows: Range<Int>) -> Bool {
      let all = lines(screen)
      return rows.allSatisfy { row in
        guard row < all.count else { return false }
        let line = all[row]
        return columns(line) == width && ["┌", "│", "├", "└"].contains(String(line.prefix(1)))
          && ["┐", "│", "┤", "┘"].contains(String(line.suffix(1)))
      }
    }

    /// Enter runs the typed line; the screen with its `answer` (the output pane, or the status
    /// line), and the main screen after Escape, keep every border and the host tables are as
    /// `before`; then `q` leaves a clean terminal. Returns the screen with the answer.
    static func runTheLineAndLeave(
      _ tmux: TmuxConsole, before: [String], answer: String = "exit status"
    ) async throws -> String {
      try tmux.keys("Enter")
      let output = try await tmux.waitFor(answer)
      #expect(bordersIntact(output, width: 120, rows: 0..<35), "\(output)")
      try tmux.keys("Escape")
      let after = try await tmux.waitFor(" m migrate")
      #expect(bordersIntact(after, width: 120, rows: 0..<35), "\(after)")
      #expect(Array(lines(after).prefix(11)) == Array(before.prefix(11)))
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
      return output
    }

    @Test func longPastedLineAndControlCharactersAtThePrompt() async throws {
      let tmux = try TmuxConsole("abuse-long")
      defer { tmux.kill() }
      try await tmux.startAndWait()
      let before = Self.lines(try tmux.screen())
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      try tmux.type(String(repeating: "list-domain ", count: 250))
      // Control characters (^A ^B ^G, the Insert key's escape sequence), then ^E and a marker.
      try tmux.bytes(["01", "02", "07", "1b", "5b", "32", "7e", "05"])
      try tmux.type("END")
      // 3000 keys take a while in a debug build on a busy machine.
      let typing = try await tmux.waitFor("list-domain END", timeout: 90)
      #expect(Self.bordersIntact(typing, width: 120, rows: 0..<34), "\(typing)")
      #expect(Self.lines(typing).first == before.first)
      _ = try await Self.runTheLineAndLeave(tmux, before: before)
    }

    @Test func wideCharactersAtThePrompt() async throws {
      let tmux = try TmuxConsole("abuse-wide")
      defer { tmux.kill() }
      try await tmux.startAndWait()
      let before = Self.lines(try tmux.screen())
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      try tmux.type("漢字🚀 ldom01 ✓ é ")
      let short = try await tmux.waitFor("ldm 漢字🚀 ldom01 ✓ é")
      #expect(Self.bordersIntact(short, width: 120, rows: 0..<34), "\(short)")
      try tmux.type(String(repeating: "list-domain ", count: 25) + "漢字🚀")
      // Longer than the field: it scrolls, and the text at the cursor is what shows.
      let scrolled = try await tmux.waitFor("list-domain list-domain 漢字🚀", timeout: 60)
      let prompt = Self.lines(scrolled).first { $0.hasPrefix("sparc-t4-a# ") } ?? ""
      #expect(!prompt.contains("ldm 漢字"), "\(prompt)")
      #expect(Self.bordersIntact(scrolled, width: 120, rows: 0..<34), "\(scrolled)")
      // ldm's one-line answer in the status line; the log names the line as it was taken.
      let output = try await Self.runTheLineAndLeave(
        tmux, before: before, answer: "Unknown command: ldm 漢字🚀")
      let footer = output.split(separator: "\n").last ?? ""
      #expect(footer.hasPrefix(" Unknown command: ldm 漢字🚀 "), "\(footer)")
      #expect(output.contains("sparc-t4-a# ldm 漢字🚀 ldom01 ✓ é list-domain"), "\(output)")
    }

    @Test func thePasswordNeverAppears() async throws {
      let tmux = try TmuxConsole("secrets")
      defer { tmux.kill() }
      tmux.forbidden = ["secret"]
      try await tmux.startAndWait()
      try await tmux.migrate(down: 1)
      try await tmux.waitFor("· completed")
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      try tmux.typeLine("list -l")
      try await tmux.waitFor("exit status")
      try tmux.keys("Escape")
      try await tmux.waitFor(" m migrate")
      try tmux.keys("?")
      try await tmux.waitForGone(" m migrate")
      try tmux.keys("Escape")
      try await tmux.waitFor(" m migrate")
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
    }
  }
}
