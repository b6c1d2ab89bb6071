import Foundation
import Testing

extension EndToEnd {
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
      expectCleanTerminal(try await tmux.waitForExit(), status: 128 + Int(SIGINT))
    }

    @Test func sigtermDuringAMigrationRestoresTheTerminal() async throws {
      let tmux = try TmuxConsole("sigterm")
      defer { tmux.kill() }
      try await tmux.startAndWait()
      try await tmux.migrate(down: 2)
      let pid = try tmux.consolePID()
      #expect(kill(pid, SIGTERM) == 0)
      // The console leaves through its normal path on the first signal, with 128 + N.
      expectCleanTerminal(try await tmux.waitForExit(), status: 128 + Int(SIGTERM))
    }

    /// A Swift runtime trap: SIGILL on x86-64, SIGTRAP on arm64.
    static let trapStatus: Int = {
      #if arch(arm64)
        128 + Int(SIGTRAP)
      #else
        128 + Int(SIGILL)
      #endif
    }()

    @Test func fatalErrorDuringAMigrationRestoresTheTerminal() async throws {
      let tmux = try TmuxConsole("fatal")
      defer { tmux.kill() }
      // The test hook crashes the console with a Swift fatal error in the run-time state
      // transfer; with the backtracer off, the default action ends the process.
      try tmux.startConsole(
        environment: TmuxConsole.environment
          + " LDM_CONSOLE_CRASH_IN_PHASE=3 SWIFT_BACKTRACE=enable=no")
      try await tmux.waitFor(" m migrate")
      try await tmux.migrate(down: 2)
      let exit = try await tmux.waitForExit()
      expectCleanTerminal(exit, status: Self.trapStatus)
      #expect(
        exit.screen.contains("LDM_CONSOLE_CRASH_IN_PHASE=3: crashing, as asked"), "\(exit.screen)")
    }

    @Test func crashSignalDuringAMigrationRestoresTheTerminal() async throws {
      let tmux = try TmuxConsole("segv")
      defer { tmux.kill() }
      // With the backtracer off (and a sanitizer build told to leave SIGSEGV alone), the
      // signal's default action follows the restore.
      try tmux.startConsole(
        environment: TmuxConsole.environment
          + " SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=handle_segv=0 TSAN_OPTIONS=handle_segv=0")
      try await tmux.waitFor(" m migrate")
      try await tmux.migrate(down: 2)
      signalProcess(try tmux.consolePID(), SIGSEGV)
      expectCleanTerminal(try await tmux.waitForExit(), status: 128 + Int(SIGSEGV))
    }

    /// Swift's backtracer reads the crashed process's memory in ways the sanitizers report, and
    /// they take SIGSEGV for themselves, so it cannot run in their builds
    /// (`Scripts/sanitize.sh`). The test bundle is built with the binary, so it can tell.
    static let isSanitized = ["__asan_init", "__tsan_init"].contains { (symbol: String) in
      dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
    }

    @Test(.disabled(if: isSanitized, "the backtracer cannot run under a sanitizer"))
    func crashReportOfTheBacktracerFollowsTheRestore() async throws {
      let tmux = try TmuxConsole("backtrace")
      defer { tmux.kill() }
      let report = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-console-crash-\(UUID().uuidString).log").path
      defer { try? FileManager.default.removeItem(atPath: report) }
      // The backtracer's report goes to standard error, here a file.
      try tmux.startConsole(
        arguments: "2>'\(report)'",
        environment: TmuxConsole.environment + " SWIFT_BACKTRACE=enable=yes,interactive=no,color=no"
      )
      try await tmux.waitFor(" m migrate")
      try await tmux.migrate(down: 2)
      signalProcess(try tmux.consolePID(), SIGSEGV)
      expectCleanTerminal(try await tmux.waitForExit(), status: 128 + Int(SIGSEGV))
      // The handler passed the signal on: Swift's backtracer wrote its report…
      let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
      #expect(text.contains("Program crashed"), "\(text.prefix(400))")
      // …to its end: the images come last (a report cut short left the backtracer waiting).
      #expect(text.contains("Thread 0") && text.contains("Images"), "\(text.prefix(400))")
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
}
