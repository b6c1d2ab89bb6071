import Foundation
import TestSupport
import Testing

extension EndToEnd {
  /// The console attached to two daemons on loopback (`--connect`): both hosts live, a migration
  /// from the form, the simulation's keys refused aloud, a daemon killed and started again.
  @Suite("End to end: the console attached to daemons", .serialized)
  struct AttachedConsoleTests {
    /// Two daemons of the built-in scenario, each told where the other listens.
    final class Daemons: @unchecked Sendable {
      let folder: URL
      let portA: Int
      let portB: Int
      var a: DaemonProcess
      var b: DaemonProcess

      init() throws {
        folder = FileManager.default.temporaryDirectory
          .appendingPathComponent("ldm-e2e-daemons-\(getpid())-\(UUID().uuidString)")
        let binary = try BuiltProduct.path("ldm-console")
        let made = try runCommand(
          binary, ["certs", "--out", folder.path, "sparc-t4-a", "sparc-t4-b"], timeout: 60)
        guard made.status == 0 else {
          throw EndToEndFailure(description: "ldm-console certs failed: \(made.errors)")
        }
        portA = try DaemonProcess.freePort()
        portB = try DaemonProcess.freePort()
        a = try Self.start("sparc-t4-a", port: portA, peer: "sparc-t4-b=127.0.0.1:\(portB)", folder)
        b = try Self.start("sparc-t4-b", port: portB, peer: "sparc-t4-a=127.0.0.1:\(portA)", folder)
        for daemon in [a, b] { try daemon.waitForLine(timeout: 60) { $0.contains("listening on") } }
      }

      static func start(_ host: String, port: Int, peer: String, _ folder: URL) throws
        -> DaemonProcess
      {
        try DaemonProcess(
          host: host, port: port, arguments: ["--certs", folder.path, "--peer", peer])
      }

      func restartB() throws {
        b = try Self.start("sparc-t4-b", port: portB, peer: "sparc-t4-a=127.0.0.1:\(portA)", folder)
        try b.waitForLine(timeout: 60) { $0.contains("listening on") }
      }

      var consoleArguments: String {
        "--connect sparc-t4-a=127.0.0.1:\(portA) --connect sparc-t4-b=127.0.0.1:\(portB)"
          + " --certs '\(folder.path)'"
      }

      deinit {
        a.stop()
        b.stop()
        try? FileManager.default.removeItem(at: folder)
      }
    }

    @Test func bothHostsLiveAMigrationAndALostDaemonComingBack() async throws {
      let daemons = try Daemons()
      let tmux = try TmuxConsole("attached", width: 160, height: 40)
      defer { tmux.kill() }
      tmux.forbidden = ["secret"]
      try tmux.startConsole(arguments: daemons.consoleArguments)
      // Both hosts as their daemons show them, and the clock is the wall clock.
      try await tmux.waitUntil("both hosts and the wall clock", timeout: 60) { screen in
        screen.contains("┌ sparc-t4-a · SPARC-T4") && screen.contains("┌ sparc-t4-b · SPARC-T4")
          && screen.contains("wall clock") && screen.contains("│ldom01 ")
      }
      let footer = try tmux.screen().split(separator: "\n").last ?? ""
      #expect(!footer.contains("speed") && !footer.contains("pause"), "\(footer)")

      // The simulation's keys say why they do nothing here.
      try tmux.keys("f")
      try await tmux.waitFor("Faults are injected in the simulation only")
      try tmux.keys("+")
      try await tmux.waitFor("daemons run on the wall clock")

      // A migration from the form, between the daemons: the target's row comes from sparc-t4-b.
      try await tmux.migrate(down: 1)
      try await tmux.waitUntil("ldom01 active on sparc-t4-b and gone from sparc-t4-a", timeout: 120)
      {
        screen in
        screen.split(separator: "\n").contains {
          $0.contains("││ldom01           active     -n----")
        }
          && MigrateTests.leftRows(screen, "ldom01").isEmpty
      }
      try await tmux.waitFor("completed")

      // sparc-t4-b's daemon dies: its pane says so, the other host goes on.
      kill(daemons.b.processIdentifier, SIGKILL)
      try await tmux.waitFor("sparc-t4-b · ldmd unreachable", timeout: 60)
      #expect(try tmux.screen().contains("┌ sparc-t4-a · SPARC-T4"))
      // A command for the lost host is refused at once, not kept for later.
      try tmux.keys("Tab")
      try tmux.keys(":")
      try tmux.typeLine("ldm list")
      try await tmux.waitFor("ldmd on sparc-t4-b is unreachable", timeout: 30)
      try tmux.keys("Escape")

      // Started again, it is found again (a new run of the daemon: the scenario's host anew).
      try daemons.restartB()
      try await tmux.waitForGone("ldmd unreachable", timeout: 60)
      try await tmux.waitFor("┌ sparc-t4-b · SPARC-T4")

      try tmux.keys("q")
      let exit = try await tmux.waitForExit()
      #expect(exit.status == 0, "\(exit.screen)")
    }
  }
}
