import Testing

extension EndToEnd {
  /// The seed's commands typed verbatim at the console's `:` line: ldm asks `Target Password:`
  /// at a terminal, and the console is one. The typed password must never reach the screen.
  @Suite("End to end: ldm migrate at the : line asks Target Password:")
  struct ColonLineMigrateTests {
    /// The row of the right-hand table naming `domain`.
    static func rightRow(_ screen: String, _ domain: String) -> Substring? {
      screen.split(separator: "\n").first { $0.contains("││\(domain) ") }
    }

    @Test(arguments: [
      ("ldom01", "root@sparc-t4-b"), ("ldom_other", "root@sparc-t4-b:ldom_other"),
    ])
    func theSeedsCommandAsksThePasswordMaskedAndMigrates(_ arrives: String, _ target: String)
      async throws
    {
      let tmux = try TmuxConsole("colon-migrate")
      defer { tmux.kill() }
      tmux.forbidden = ["secret"]
      try await tmux.startAndWait()
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      // The prompt is prefilled with "ldm "; typed as the seed has it.
      try tmux.typeLine("migrate ldom01 \(target)")
      let asked = try await tmux.waitFor("Target Password:")
      let lines = asked.split(separator: "\n", omittingEmptySubsequences: false)
      let promptRow = try #require(lines.firstIndex { $0.hasPrefix("Target Password:") })
      #expect(lines[promptRow - 1] == "sparc-t4-a# ldm migrate ldom01 \(target)")
      try tmux.type("secret")
      try await tmux.waitFor("Target Password: ******")
      try tmux.keys("Enter")
      let started = try await tmux.waitFor("Migration #1 started; it runs in the background")
      // In the status line, with the tables and the panel in view.
      #expect(
        started.split(separator: "\n").last?.hasPrefix(
          " Migration #1 started; it runs in the background") == true, "\(started)")
      try await tmux.waitUntil("\(arrives) active on sparc-t4-b, ldom01 gone from the left") {
        screen in
        (Self.rightRow(screen, arrives)?.contains("active") ?? false)
          && !screen.split(separator: "\n").contains { $0.hasPrefix("│ldom01 ") }
      }
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
    }

    @Test func aWrongPasswordIsRefusedInAPaneUnderTheLiveView() async throws {
      let tmux = try TmuxConsole("colon-wrong-password", width: 80, height: 24)
      defer { tmux.kill() }
      tmux.forbidden = ["hunter2"]
      try await tmux.startAndWait()
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      try tmux.typeLine("migrate ldom02 root@sparc-t4-b")
      try await tmux.waitFor("Target Password:")
      try tmux.type("hunter2")
      try await tmux.waitFor("Target Password: *******")
      try tmux.keys("Enter")
      let refused = try await tmux.waitFor("Authentication to sparc-t4-b as root failed")
      #expect(refused.contains("Domain Migration of LDom ldom02 failed"), "\(refused)")
      // The pane is in the log's place: both host boxes are still drawn above it.
      #expect(refused.hasPrefix("┌ sparc-t4-a"), "\(refused)")
      #expect(refused.contains("│primary "), "\(refused)")
      try tmux.keys("Escape")
      try await tmux.waitFor("├ Log")
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
    }
  }
}
