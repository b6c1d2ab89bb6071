import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// Run-mode transcripts of the scripts in `Tests/Golden/run/`, against golden files, and the
/// exit statuses of DESIGN §6.
@Suite struct RunModeTests {
  struct Run {
    var transcript: String
    var errors: [String]
    var events: [String]
    var status: Int32
  }

  static let password = "secret"

  /// Runs `arguments` with the repository's scripts and scenarios in memory under `/work`,
  /// and a private `root.pw` beside the scripts.
  static func run(_ arguments: RunMode.Arguments, extraFiles: [String: FileContents] = [:])
    throws -> Run
  {
    var files: [String: FileContents] = [
      "/work/run/root.pw": FileContents(text: password + "\n"),
      "/work/run/wrong.pw": FileContents(text: "guess\n"),
    ]
    for name in [
      "lifecycle", "seed-migrate-password-file", "seed-migrate-no-terminal",
      "seed-migrate-rename", "monitor", "cancel", "dry-run", "cross-cpu",
    ] {
      files["/work/run/\(name).script"] = FileContents(
        text: try Fixtures.text("Tests/Golden/run/\(name).script"))
    }
    for name in ["tight-target", "cross-cpu"] {
      files["/work/scenarios/\(name).yaml"] = FileContents(
        text: try Fixtures.text("Scenarios/\(name).yaml"))
    }
    files.merge(extraFiles) { $1 }
    var transcript: [String] = []
    var errors: [String] = []
    var events: [String] = []
    let status = RunMode.run(
      arguments, files: InMemoryFiles(files), workingDirectory: "/work",
      output: .init(
        transcript: { transcript.append($0) }, error: { errors.append($0) },
        events: { events.append($0) }))
    return Run(
      transcript: transcript.map { $0 + "\n" }.joined(), errors: errors, events: events,
      status: status)
  }

  static let transcripts: [(script: String, scenario: String?, status: Int32)] = [
    ("lifecycle", nil, 0),
    ("seed-migrate-password-file", nil, 0),
    ("seed-migrate-no-terminal", nil, 1),
    ("seed-migrate-rename", nil, 0),
    ("monitor", nil, 0),
    ("cancel", nil, 1),
    ("dry-run", "scenarios/tight-target.yaml", 1),
    ("cross-cpu", "scenarios/cross-cpu.yaml", 1),
  ]

  @Test(arguments: transcripts)
  func transcriptMatchesGolden(script: String, scenario: String?, status: Int32) throws {
    let run = try Self.run(.init(scriptPath: "run/\(script).script", scenarioPath: scenario))
    #expect(run.errors == [])
    #expect(run.status == status)
    let mismatch = Golden.mismatch(run.transcript, file: "run/\(script).transcript")
    #expect(mismatch == nil, "\(mismatch ?? "")")
    for line in [run.transcript] + run.events {
      #expect(!line.contains(Self.password), "the password leaked: \(line)")
    }
  }

  @Test func badScriptScenarioOrOptionExitsTwoWithOneLine() throws {
    let cases: [(RunMode.Arguments, [String: FileContents], String)] = [
      (
        .init(scriptPath: "run/none.script"), [:],
        "ldm-console run: cannot read script run/none.script: no such file"
      ),
      (
        .init(scriptPath: "run/bad.script"),
        ["/work/run/bad.script": .init(text: "ldm list\nfly away\n")],
        "run/bad.script:2: unknown directive fly"
          + " (expected ldm, psrinfo, prtconf, sleep, wait or fault)"
      ),
      (
        .init(scriptPath: "run/lifecycle.script", scenarioPath: "nowhere.yaml"), [:],
        "nowhere.yaml: no such file"
      ),
      (
        .init(scriptPath: "run/lifecycle.script", scenarioPath: "bad.yaml"),
        ["/work/bad.yaml": .init(text: "name: x\nhosts: []\nfrobs: 1\n")], "bad.yaml:3: "
      ),
      (
        .init(scriptPath: "run/lifecycle.script", link: "10parsecs"), [:],
        "ldm-console run: --link: expected a bandwidth from 1kbit/s to 1Tbit/s (e.g. 1Gbit/s),"
          + " or unlimited, not '10parsecs'"
      ),
      (
        .init(scriptPath: "run/lifecycle.script", downtimeLimit: "soon"), [:],
        "ldm-console run: --downtime-limit: expected a duration above 0 and at most 1h"
          + " (e.g. 300ms), not 'soon'"
      ),
      (
        .init(scriptPath: "run/lifecycle.script", maxPasses: "0"), [:],
        "ldm-console run: --max-passes: expected a whole number from 1 to 1000, not '0'"
      ),
    ]
    for (arguments, files, error) in cases {
      let run = try Self.run(arguments, extraFiles: files)
      #expect(run.status == 2)
      #expect(run.transcript == "")
      #expect(run.errors.count == 1)
      #expect(run.errors.first?.hasPrefix(error) == true, "\(run.errors)")
    }
  }

  @Test func optionsOverrideTheScenarioSettings() throws {
    let scenario = ScenarioLoader.builtin()
    let settings = try RunMode.engineSettings(
      .init(
        scriptPath: "s", link: "unlimited", latency: "2ms", downtimeLimit: "100ms",
        maxPasses: "10", autoConverge: true), scenario: scenario)
    #expect(settings.link.bitsPerSecond == nil)
    #expect(settings.link.latency == 0.002)
    #expect(settings.downtimeLimit == 0.1)
    #expect(settings.maxPasses == 10)
    #expect(settings.autoConverge)
    let plain = try RunMode.engineSettings(.init(scriptPath: "s"), scenario: scenario)
    #expect(plain == EngineSettings(scenario.migration))
  }

  @Test func eventsAreJSONLinesOfTheWholeMigration() throws {
    let run = try Self.run(.init(scriptPath: "run/seed-migrate-password-file.script"))
    #expect(run.events.count > 10)
    #expect(run.events.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
    #expect(run.events.last?.contains("\"kind\":\"completed\"") == true)
  }
}
