import Foundation
import Testing

@Suite("End to end: resize, quit, signals, bad TERM")
struct TerminalTests {
  static func firstLine(_ screen: String) -> String {
    String(screen.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
  }

  @Test func redrawsOnResizeAndShowsTooSmall() async throws {
    let tmux = try TmuxConsole("resize")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    try tmux.run(["resize-window", "-t", "0", "-x", "100", "-y", "30"])
    try await tmux.waitUntil("the host boxes 100 columns wide") { screen in
      let top = Self.firstLine(screen)
      return top.count == 100 && top.hasPrefix("┌ sparc-t4-a") && top.hasSuffix("┐")
        && screen.contains(" m migrate")
    }
    try tmux.run(["resize-window", "-t", "0", "-x", "70", "-y", "20"])
    try await tmux.waitFor("terminal too small")
    try tmux.run(["resize-window", "-t", "0", "-x", "120", "-y", "36"])
    let screen = try await tmux.waitUntil("the tables back at 120 columns") { screen in
      let top = Self.firstLine(screen)
      return top.count == 120 && top.hasSuffix("┐") && screen.contains("ldom06")
        && !screen.contains("terminal too small")
    }
    #expect(screen.contains(" m migrate"))
    try tmux.keys("q")
    expectCleanTerminal(try await tmux.waitForExit())
  }

  @Test func quitLeavesACleanShell() async throws {
    let tmux = try TmuxConsole("quit")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    try tmux.keys("q")
    expectCleanTerminal(try await tmux.waitForExit())
  }

  @Test func quitDuringAMigrationAsksThenLeavesACleanShell() async throws {
    let tmux = try TmuxConsole("quit-migrating")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    try await tmux.migrate(down: 2)
    try tmux.keys("q")
    try await tmux.waitFor("(y/n)")
    try tmux.keys("y")
    expectCleanTerminal(try await tmux.waitForExit())
  }

  @Test func ctrlCDuringAMigrationRestoresTheTerminal() async throws {
    let tmux = try TmuxConsole("sigint")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    try await tmux.migrate(down: 2)
    try tmux.keys("C-c")
    expectCleanTerminal(try await tmux.waitForExit(), status: nil)
  }

  @Test func sigtermDuringAMigrationRestoresTheTerminal() async throws {
    let tmux = try TmuxConsole("sigterm")
    defer { tmux.kill() }
    try await tmux.startAndWait()
    try await tmux.migrate(down: 2)
    let pid = try tmux.consolePID()
    #expect(kill(pid, SIGTERM) == 0)
    // The console leaves through its normal path on the first signal (status 0).
    expectCleanTerminal(try await tmux.waitForExit(), status: nil)
  }

  @Test func badTermIsOneLineAndANonZeroExit() async throws {
    let tmux = try TmuxConsole("bad-term")
    defer { tmux.kill() }
    try tmux.startConsole(environment: "TERM=nonexistent-term LANG=C.UTF-8")
    let exit = try await tmux.waitForExit()
    expectCleanTerminal(exit, status: nil)
    #expect(exit.status != 0)
    let messages = exit.screen.split(separator: "\n").filter {
      $0.contains("nonexistent-term") && !$0.contains("EXIT")
    }
    #expect(messages.count == 1, "one line naming the terminal type\n\(exit.screen)")
  }

  @Test func startingTooSmallShowsTheNotice() async throws {
    let tmux = try TmuxConsole("small", width: 70, height: 20)
    defer { tmux.kill() }
    try tmux.startConsole()
    try await tmux.waitFor("terminal too small")
    try tmux.keys("q")
    expectCleanTerminal(try await tmux.waitForExit())
  }
}
