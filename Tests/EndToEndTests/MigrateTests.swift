import Testing

extension EndToEnd {
  @Suite("End to end: migrate, rename, cancel, command line")
  struct MigrateTests {
    /// Host-table rows of the left host naming `domain` (the log and titles also name it).
    static func leftRows(_ screen: String, _ domain: String) -> [Substring] {
      screen.split(separator: "\n").filter { $0.hasPrefix("│\(domain) ") }
    }

    /// The host boxes: the lines down to the first bottom border (the log below quotes flags).
    static func hostTables(_ screen: String) -> String {
      var lines: [Substring] = []
      for line in screen.split(separator: "\n") {
        lines.append(line)
        if line.hasPrefix("└") { break }
      }
      return lines.joined(separator: "\n")
    }

    @Test func migratesLdom01RenamedLdomOther() async throws {
      let tmux = try TmuxConsole("rename")
      defer { tmux.kill() }
      tmux.forbidden = ["secret"]
      try await tmux.startAndWait()
      // Stepping (n): the migration stops where it starts and where it enters each phase, so
      // the states it passes through are there to read however busy the machine is.
      try tmux.keys("n")
      try await tmux.waitFor("stepping")
      try await tmux.migrate(down: 1, rename: "ldom_other")
      try await tmux.waitFor("paused")
      try tmux.keys("n")
      try await tmux.waitUntil("-n---s on the left, -----t on the right and a bar") { screen in
        screen.split(separator: "\n").contains {
          $0.hasPrefix("│ldom01 ") && $0.contains("-n---s") && $0.contains("ldom_other")
            && $0.contains("-----t")
        } && screen.contains("%")
      }
      try tmux.keys("Space")
      let done = try await tmux.waitUntil("ldom_other active -n---- and ldom01 gone") { screen in
        screen.split(separator: "\n").contains {
          $0.contains("││ldom_other  active     -n----")
        } && Self.leftRows(screen, "ldom01").isEmpty
      }
      #expect(done.contains("completed"))
    }

    @Test func cancelsAMigrationWithCThenY() async throws {
      let tmux = try TmuxConsole("cancel")
      defer { tmux.kill() }
      tmux.forbidden = ["secret"]
      try await tmux.startAndWait()
      try await tmux.migrate(down: 2)
      try await tmux.waitFor("-----t")
      try tmux.keys("Space")
      try await tmux.waitFor("paused")
      try tmux.keys("c")
      try await tmux.waitFor("(y/n)")
      try tmux.keys("y")
      let screen = try await tmux.waitUntil("the target gone and ldom02 back to -n----") { screen in
        let tables = Self.hostTables(screen)
        return !tables.contains("-----t") && !tables.contains("-n---s")
          && Self.leftRows(screen, "ldom02").contains { $0.contains("active     -n----") }
      }
      #expect(screen.contains("cancelled"))
      #expect(
        !Self.hostTables(screen).contains("││ldom02"), "the target row is still there\n\(screen)")
    }

    @Test func runsLdmListStatusDuringAMigration() async throws {
      let tmux = try TmuxConsole("command")
      defer { tmux.kill() }
      try await tmux.startAndWait()
      try await tmux.migrate(down: 2)
      try tmux.keys("Space")
      try await tmux.waitFor("paused")
      try tmux.keys(":")
      try await tmux.waitFor("sparc-t4-a# ldm")
      // The prompt is prefilled with "ldm ".
      try tmux.typeLine("list -o status ldom02")
      let screen = try await tmux.waitFor("OPERATION")
      #expect(screen.contains("migration"))
      #expect(screen.contains("%"))
    }
  }
}
