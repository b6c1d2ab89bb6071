import Foundation
import TestSupport
import Testing

extension Daemons {
  /// The scripts of `Tests/Golden/run/` run twice through the real binary: in-process on the
  /// simulated clock, and with `run --connect` against two daemons of the same scenario on
  /// loopback. Every command says the same (Oracle's wording, the same pre-check failures, the
  /// same states and flags); only what the wall clock moves (UTIL, UPTIME) is left out.
  @Suite(.serialized) struct DaemonParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
      var script: String
      var scenario: String?
      var hosts: (a: String, b: String) = ("sparc-t4-a", "sparc-t4-b")
      var testDescription: String { script }
    }

    static let cases: [Case] = [
      // Every failing pre-check of a dry run (-n), a wrong password among them.
      Case(script: "dry-run", scenario: "Scenarios/tight-target.yaml"),
      // Refused across CPUs, then forced (-f) after cpu-arch=generic.
      Case(
        script: "cross-cpu", scenario: "Scenarios/cross-cpu.yaml",
        hosts: ("sparc-t4-a", "sparc-t5-b")),
      // A password by -p FILE, a rename (root@sparc-t4-b:NAME).
      Case(script: "seed-migrate-password-file"),
      Case(script: "seed-migrate-rename"),
    ]

    /// A folder with the scripts' password files, and `script` rewritten to name them by
    /// absolute path: a daemon reads -p FILE itself, as ldm reads it on the control domain.
    static func prepare(_ script: String, in folder: URL) throws -> String {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for (name, text) in [("root.pw", "secret\n"), ("wrong.pw", "guess\n")] {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
      }
      let text = try Fixtures.text("Tests/Golden/run/\(script).script")
        .replacingOccurrences(of: "-p root.pw", with: "-p \(folder.path)/root.pw")
        .replacingOccurrences(of: "-p wrong.pw", with: "-p \(folder.path)/wrong.pw")
      let path = folder.appendingPathComponent("\(script).script").path
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }

    /// A transcript without what the wall clock moves: an `ldm list` row (and its header) up to
    /// MEMORY, the columns before UTIL, and the note of a measured downtime over the limit (on
    /// the wall clock, suspending includes hashing the memory on both sides).
    static func comparable(_ transcript: String) -> [String] {
      let row = #/^\S+\s+(active|bound|inactive)\s/#
      let overLimit = #/^ldm-console: [0-9:.]+ \S+ downtime .* was over the .* limit/#
      return transcript.split(separator: "\n").filter { $0.firstMatch(of: overLimit) == nil }.map {
        line in
        let text = String(line)
        if text.hasPrefix("NAME ") || text.firstMatch(of: row) != nil {
          return String(text.prefix(59)).replacingOccurrences(
            of: #"\s+$"#, with: "", options: .regularExpression)
        }
        return text
      }
    }

    @Test(arguments: cases)
    func aScriptSaysTheSameAgainstDaemons(_ test: Case) async throws {
      let binary = try BuiltProduct.path("ldm-console")
      let scenario = test.scenario.map { Fixtures.url($0).path }
      let pair = try await DaemonPair(label: "parity", scenario: scenario, hosts: test.hosts)
      let script = try Self.prepare(test.script, in: pair.folder.appendingPathComponent("run"))
      let simulated = try await blocking {
        try runCommand(
          binary, ["run"] + (scenario.map { ["--scenario", $0] } ?? []) + [script], timeout: 120)
      }
      let connect = pair.connectArguments + ["--certs", pair.folder.path, script]
      let attached = try await blocking {
        try runCommand(binary, ["run"] + connect, timeout: 300)
      }
      #expect(attached.status == simulated.status, "\(attached.errors)")
      let expected = Self.comparable(simulated.output)
      let actual = Self.comparable(attached.output)
      #expect(
        actual == expected,
        "daemons said:\n\(attached.output)\nin-process:\n\(simulated.output)\n\(attached.errors)")
      // The simulated transcript is the golden one: both agree with what is reviewed.
      let golden = try Fixtures.text("Tests/Golden/run/\(test.script).transcript")
        .replacingOccurrences(of: "-p root.pw", with: "-p \(pair.folder.path)/run/root.pw")
        .replacingOccurrences(of: "-p wrong.pw", with: "-p \(pair.folder.path)/run/wrong.pw")
      #expect(Self.comparable(golden) == expected)
    }
  }
}
