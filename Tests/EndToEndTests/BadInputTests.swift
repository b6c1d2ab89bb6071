import Foundation
import Testing

extension EndToEnd {
  /// Rows of `docs/errors.md` that only the real binary can show: a missing `TERM`, standard
  /// input that is not a terminal, and options ArgumentParser refuses. No tmux: each run has
  /// `/dev/null` for standard input, which is itself the "not a terminal" case.
  @Suite("End to end: bad input") struct BadInputTests {
    struct Exit {
      var status: Int32
      var output: String
      var errors: String
    }

    /// Runs the binary with `arguments` and exactly `environment`, input from `/dev/null`.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Exit {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try ConsoleBinary.path())
      process.arguments = arguments
      process.environment = environment
      process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
      process.standardInput = FileHandle.nullDevice
      let output = Pipe()
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      // Read before waiting: a full pipe would otherwise block the child forever.
      let outputData = output.fileHandleForReading.readDataToEndOfFile()
      let errorData = errors.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return Exit(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        errors: String(decoding: errorData, as: UTF8.self))
    }

    static let plain = ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]

    /// Each one line on standard error, nothing on standard output, exit status 2.
    @Test(
      arguments: [
        ([], [:], "ldm-console: TERM is not set"),
        ([], ["TERM": ""], "ldm-console: TERM is not set"),
        ([], ["TERM": "xterm"], "ldm-console: standard input and output must be a terminal"),
        (
          ["--frobnicate"], [:],
          "ldm-console: Unknown option '--frobnicate' (see ldm-console --help)"
        ),
        (
          ["run", "--frobnicate", "x.script"], [:],
          "ldm-console: Unknown option '--frobnicate' (see ldm-console --help)"
        ),
        (["run"], [:], "ldm-console run: missing SCRIPT (see ldm-console run --help)"),
        (
          ["run", "--link", "10parsecs", "x.script"], [:],
          "ldm-console run: --link: expected a bandwidth from 1kbit/s to 1Tbit/s (e.g. 1Gbit/s),"
            + " or unlimited, not '10parsecs'"
        ),
        (
          ["run", "--latency", "11s", "x.script"], [:],
          "ldm-console run: --latency: expected a duration from 0 to 10s (e.g. 0.5ms), not '11s'"
        ),
        (
          ["run", "--max-passes", "1001", "x.script"], [:],
          "ldm-console run: --max-passes: expected a whole number from 1 to 1000, not '1001'"
        ),
        (
          ["soak", "--migrations", "many"], [:],
          "ldm-console: The value 'many' is invalid for '--migrations <migrations>'"
            + " (see ldm-console --help)"
        ),
      ] as [([String], [String: String], String)])
    func refusedWithOneLine(arguments: [String], environment: [String: String], message: String)
      throws
    {
      let exit = try Self.run(arguments, environment: Self.plain.merging(environment) { $1 })
      #expect(exit.status == 2)
      #expect(exit.errors == message + "\n")
      #expect(exit.output == "")
    }

    /// `run --scenario FILE` must read FILE. Today the console's own `--scenario` (on the root
    /// command) takes the option first, ArgumentParser's documented behaviour for a name both
    /// levels declare, and the script silently runs on the built-in scenario. The known issue
    /// is recorded so that this test fails, as a reminder, once it is fixed.
    @Test func runReadsItsScenarioOption() throws {
      let directory = NSTemporaryDirectory() + "ldm-bad-input-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(atPath: directory) }
      try Data("hosts: [ {name: a".utf8).write(to: URL(fileURLWithPath: directory + "/bad.yaml"))
      try Data("ldm list\n".utf8).write(to: URL(fileURLWithPath: directory + "/ok.script"))
      let exit = try Self.run(
        ["run", "--scenario", directory + "/bad.yaml", directory + "/ok.script"],
        environment: Self.plain)
      #expect(exit.status == 2)
      #expect(
        exit.errors == "\(directory)/bad.yaml:2: bad YAML: did not find expected ',' or '}'\n")
    }

    /// Values that used to trap (`arithmetic overflow`, `Double value cannot be converted`,
    /// exit status 132) are one line and exit status 2 through the real binary too.
    @Test(arguments: [
      (
        "    reserved: [ { pa: 0xffffffffffffffff, size: 1G } ]\n", "",
        "bad.yaml:5: 'pa': expected an address from 0 to 0x40000000000 (decimal or 0x hex),"
          + " not '0xffffffffffffffff'"
      ),
      (
        "", "    - { name: d1, vcpus: 1, memory: 1G, uptime: 9223372036854775807 }\n",
        "bad.yaml:7: 'uptime': expected an uptime from 0 to 36500d (e.g. 2h 7m, 45d 8h 6m, or"
          + " seconds), not '9223372036854775807'"
      ),
      (
        "", "    - { name: d1, vcpus: 1:2:3:4:5:6:7:8:9:10:11:12, memory: 1G }\n",
        "bad.yaml:7: 'vcpus': expected a whole number from 1 to 4096,"
          + " not '1:2:3:4:5:6:7:8:9:10:11:12'"
      ),
      (
        "", "    - { name: d1, vcpus: 1, memory: 1G, workload: { rate: 1e300 } }\n",
        "bad.yaml:7: 'rate': expected a rate from 0 to 1000000 page writes per second,"
          + " not '1e300'"
      ),
    ])
    func runRefusesAnOutOfRangeScenarioValue(host: String, domain: String, message: String)
      throws
    {
      let directory = NSTemporaryDirectory() + "ldm-bad-input-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(atPath: directory) }
      let scenario =
        "hosts:\n  - name: h1\n"
        + "    cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }\n"
        + "    memory: 16G\n" + host + "    domains:\n"
        + "    - { name: primary, control: true, vcpus: 1, memory: 1G }\n" + domain
      try Data(scenario.utf8).write(to: URL(fileURLWithPath: directory + "/bad.yaml"))
      try Data("ldm list\n".utf8).write(to: URL(fileURLWithPath: directory + "/ok.script"))
      let exit = try Self.run(
        ["run", "--scenario", directory + "/bad.yaml", directory + "/ok.script"],
        environment: Self.plain)
      #expect(exit.status == 2)
      #expect(exit.errors == "\(directory)/\(message)\n")
      #expect(exit.output == "")
    }
  }
}
