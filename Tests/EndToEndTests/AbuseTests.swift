import Testing

@Suite("End to end: abuse and secrets")
struct AbuseTests {
  static func lines(_ screen: String) -> [String] {
    screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// Every line that opens a box closes it at the right edge, `width` columns wide.
  static func bordersIntact(_ screen: String, width: Int, rows: Range<Int>) -> Bool {
    let all = lines(screen)
    return rows.allSatisfy { row in
      guard row < all.count else { return false }
      let line = all[row]
      return line.count == width && ["┌", "│", "├", "└"].contains(String(line.prefix(1)))
        && ["┐", "│", "┤", "┘"].contains(String(line.suffix(1)))
    }
  }

  @Test func longLinesControlAndWideCharactersAtThePrompt() async throws {
    let tmux = try TmuxConsole("abuse")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    let before = Self.lines(try tmux.screen())
    try tmux.keys(":")
    try await tmux.waitFor("sparc-t4-a# ldm")
    try tmux.type(String(repeating: "list-domain ", count: 250))
    try tmux.bytes(["01", "02", "07", "1b", "5b", "32", "7e"])
    try tmux.type("漢字🚀 ldom01 ✓ é")
    // The prompt scrolls; the boxes above it stay where they were.
    let typing = try await tmux.waitUntil("the typed wide characters") {
      $0.contains("🚀 ldom01")
    }
    #expect(Self.bordersIntact(typing, width: 120, rows: 0..<34), "\(typing)")
    #expect(Self.lines(typing).first == before.first)
    try tmux.keys("Enter")
    let output = try await tmux.waitFor("exit status")
    #expect(Self.bordersIntact(output, width: 120, rows: 0..<35), "\(output)")
    try tmux.keys("Escape")
    let after = try await tmux.waitUntil("the console back") { $0.contains(" m migrate") }
    #expect(Self.bordersIntact(after, width: 120, rows: 0..<35), "\(after)")
    #expect(Array(Self.lines(after).prefix(11)) == Array(before.prefix(11)))
    // Still responsive: quit.
    try tmux.keys("q")
    expectCleanTerminal(try await tmux.waitForExit())
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
