import Foundation
import Testing

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
        ["--frobnicate"], [:], "ldm-console: Unknown option '--frobnicate' (see ldm-console --help)"
      ),
      (
        ["run", "--frobnicate", "x.script"], [:],
        "ldm-console: Unknown option '--frobnicate' (see ldm-console --help)"
      ),
      (["run"], [:], "ldm-console run: missing SCRIPT (see ldm-console run --help)"),
      (
        ["run", "--link", "10parsecs", "x.script"], [:],
        "ldm-console run: bad --link value 10parsecs (use e.g. 1Gbit/s, 100Mbit/s or unlimited)"
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
}
