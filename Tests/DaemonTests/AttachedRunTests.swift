import Daemon
import Foundation
import LdmCommands
import TestSupport
import Testing

extension Daemons {
  /// `ldm-console run --connect`: a script against two real daemons on the wall clock, with the
  /// transcript of a simulated run, and the refusals that keep it from doing what it cannot.
  @Suite(.serialized) struct AttachedRunTests {
    private func connect(_ pair: DaemonPair) -> [String] {
      [
        "--connect", "sparc-t4-a=127.0.0.1:\(pair.a.port)",
        "--connect", "sparc-t4-b=127.0.0.1:\(pair.b.port)",
      ]
    }

    private func write(_ text: String, named name: String, in folder: URL) throws -> String {
      let url = folder.appendingPathComponent(name)
      try text.write(to: url, atomically: true, encoding: .utf8)
      return url.path
    }

    @Test func aScriptRunsAgainstDaemonsAndSleepSleeps() async throws {
      let pair = try await DaemonPair(label: "run")
      let binary = try BuiltProduct.path("ldm-console")
      // The password file is read by the source host's daemon, as ldm reads it on the control
      // domain: an absolute path, which both processes see here.
      let password = try write("secret\n", named: "root.pw", in: pair.folder)
      chmod(password, 0o600)
      let script = try write(
        """
        sparc-t4-a# ldm list ldom01
        sparc-t4-a# ldm migrate -p \(password) ldom01 root@sparc-t4-b:ldom_other
        sparc-t4-b# ldm list ldom_other
        sleep 1s
        sparc-t4-a# ldm migrate -p \(password) ldom06 root@sparc-t4-b &
        wait
        sparc-t4-b# ldm list ldom06
        sparc-t4-a# ldm migrate -p \(password) ldom03 root@sparc-t4-b
        """, named: "script.txt", in: pair.folder)
      let events = pair.folder.appendingPathComponent("events.jsonl").path
      let started = Date()
      let arguments =
        ["run"] + connect(pair) + ["--certs", pair.folder.path, "--events", events, script]
      let result = try await blocking { try runCommand(binary, arguments, timeout: 300) }
      let elapsed = Date().timeIntervalSince(started)
      let lines = result.output.split(separator: "\n").map(String.init)
      // The last migration needs a volume sparc-t4-b lacks: the run goes to its end, exits 1.
      #expect(result.status == 1, "\(result.output)\n\(result.errors)")
      #expect(lines.first == "sparc-t4-a# ldm list ldom01")
      #expect(lines.contains { $0.hasPrefix("ldom01 ") && $0.contains("active") })
      let renamed = try #require(lines.firstIndex { $0 == "sparc-t4-b# ldm list ldom_other" })
      #expect(lines[renamed + 2].hasPrefix("ldom_other ") && lines[renamed + 2].contains("-n----"))
      #expect(lines.contains("sleep 1s"))
      #expect(lines.contains("[1] started"))
      #expect(lines.contains("[1] Done  ldm migrate -p \(password) ldom06 root@sparc-t4-b"))
      // The bound ldom06 moved cold, and is bound on sparc-t4-b.
      let after = try #require(lines.firstIndex { $0 == "sparc-t4-b# ldm list ldom06" })
      #expect(lines[after + 2].hasPrefix("ldom06 ") && lines[after + 2].contains("bound"))
      #expect(
        lines.suffix(2) == [
          "Volume vol03@primary-vds0 is not defined on the target machine",
          "Domain Migration of LDom ldom03 failed",
        ])
      // sleep waited for real (time is the wall clock's).
      #expect(elapsed >= 1)
      // Every event of both daemons went to the file, as JSON lines of the documented format.
      let eventLines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
      #expect(eventLines.contains { $0.contains(#""kind":"completed""#) && $0.contains("ldom01") })
      #expect(
        eventLines.contains { $0.contains(#""kind":"resumed""#) && $0.contains("sparc-t4-b") })
      let validator = JSONSchemaValidator(
        try JSONValue.parse(try Fixtures.text("docs/events.schema.json")))
      for line in eventLines {
        #expect(validator.problems(try JSONValue.parse(String(line))) == [], "\(line)")
      }
    }

    @Test func faultsAreRefusedBeforeAnythingRuns() throws {
      let binary = try BuiltProduct.path("ldm-console")
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-run-fault-\(getpid())-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      let script = try write(
        "ldm list\nfault link-down after 2\n", named: "fault.txt", in: folder)
      // No daemon listens there: the script is refused before any connection is tried.
      let result = try runCommand(
        binary, ["run", "--connect", "sparc-t4-a=127.0.0.1:1", "--insecure", script], timeout: 60)
      #expect(result.status == 2)
      #expect(result.output.isEmpty)
      #expect(
        result.errorLines == [
          "\(script):2: fault applies to a simulated run only; against daemons, break the link or"
            + " stop a daemon"
        ])
    }

    @Test(arguments: [
      (["--scenario", "x.yaml"], "--scenario applies to a simulated run"),
      (["--link", "1Gbit/s"], "--link applies to a simulated run"),
      (["--auto-converge"], "--auto-converge applies to a simulated run"),
      (["--xbzrle"], "--xbzrle applies to a simulated run"),
      (["--certs", "/nonexistent", "--insecure"], "choose one of --certs DIR, --ca FILE"),
    ])
    func optionsOfTheSimulationAreRefusedWithConnect(extra: [String], message: String) throws {
      let binary = try BuiltProduct.path("ldm-console")
      let result = try runCommand(
        binary, ["run", "--connect", "sparc-t4-a=127.0.0.1:1"] + extra + ["script.txt"],
        timeout: 60)
      #expect(result.status == 2, "\(result.status)")
      #expect(result.errors.contains(message), "\(result.errors)")
    }

    @Test(arguments: [
      (["--connect", "sparc-t4-a"], "bad --connect sparc-t4-a (expected NAME=ADDR:PORT"),
      (["--connect", "sparc-t4-a=127.0.0.1:99999"], "bad --connect sparc-t4-a=127.0.0.1:99999"),
      (
        ["--connect", "sparc-t4-a=127.0.0.1:1", "--connect", "sparc-t4-a=127.0.0.1:2"],
        "--connect names host sparc-t4-a twice"
      ),
      (["--connect", "sparc-t4-a=127.0.0.1:1"], "--connect needs --certs DIR or --ca FILE"),
      (
        ["--connect", "sparc-t4-a=127.0.0.1:1", "--certs", "/nonexistent-ldm-certs"],
        "/nonexistent-ldm-certs"
      ),
      (
        ["--connect", "sparc-t4-a=127.0.0.1:1", "--insecure", "--connect-timeout", "0"],
        "ldm-console run: --connect-timeout: expected a duration above 0 and at most 10m"
          + " (e.g. 2s), not '0'"
      ),
      (
        ["--connect", "sparc-t4-a=127.0.0.1:1", "--insecure", "--connect-timeout", "11m"],
        "not '11m'"
      ),
      (["--connect-timeout", "2s"], "--connect-timeout applies only with --connect"),
    ])
    func badTargetsAreOneLineAndStatusTwo(arguments: [String], message: String) throws {
      let binary = try BuiltProduct.path("ldm-console")
      let result = try runCommand(binary, ["run"] + arguments + ["script.txt"], timeout: 60)
      #expect(result.status == 2)
      #expect(result.errorLines.count == 1, "\(result.errors)")
      #expect(result.errors.contains(message), "\(result.errors)")
    }

    @Test func anUnreachableDaemonIsStatusTwoAndSaysWhere() throws {
      let binary = try BuiltProduct.path("ldm-console")
      let port = try DaemonProcess.freePort()
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-run-unreachable-\(getpid())-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      let script = try write("ldm list\n", named: "list.txt", in: folder)
      // Refused at once, each attempt: the run waits out its --connect-timeout for a daemon
      // that may still be starting, then says where it looked.
      let result = try runCommand(
        binary,
        [
          "run", "--connect", "sparc-t4-a=127.0.0.1:\(port)", "--insecure", "--connect-timeout",
          "1500ms", script,
        ], timeout: 120)
      #expect(result.status == 2)
      #expect(result.output.isEmpty)
      let last = try #require(result.errorLines.last)
      #expect(
        last.hasPrefix("ldm-console run: cannot reach ldmd on sparc-t4-a at 127.0.0.1:\(port): "),
        "\(result.errors)")
    }
  }
}
