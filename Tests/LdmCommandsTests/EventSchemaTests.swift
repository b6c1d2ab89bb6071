import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// `--events FILE`: every line of a run with faults, cancels, refusals and concurrent
/// migrations conforms to docs/events.schema.json, and the format keeps its promises
/// (docs/events.md): fixed precision, time order, no Swift internals, no empty domain.
@Suite struct EventSchemaTests {
  static let script = """
    # Three at once over one link, a slowed link, a refusal, a cancel, idle and aimed faults.
    ldm migrate -p root.pw ldom01 root@sparc-t4-b:ldom_other &
    ldm migrate -p root.pw ldom02 root@sparc-t4-b &
    ldm migrate -p root.pw ldom06 root@sparc-t4-b &
    sleep 1s
    fault slow-link 500Mbit/s
    fault link-down on ldom02
    ldm migrate -p root.pw ldom03 root@sparc-t4-b
    ldm migrate -p wrong.pw ldom05 root@sparc-t4-b
    ldm migrate -p root.pw ldom04 root@sparc-t4-b &
    sleep 500ms
    ldm cancel-operation migration ldom04
    wait
    fault link-down after 5s
    sleep 6s
    # The e flag: the link goes down once all state was sent; cancel-operation settles it.
    fault link-down after 4
    ldm migrate -p root.pw ldom02 root@sparc-t4-b
    ldm cancel-operation migration ldom02
    # A guest that dirties faster than the link sends: the pass limit, over the downtime limit.
    ldm migrate -p root.pw ldom04 root@sparc-t4-b
    fault target-oom after 1
    ldm migrate -p root.pw ldom03 root@sparc-t4-b:ldom03
    ldm migrate -n -p root.pw ldom05 root@sparc-t4-b
    """

  /// The plain run's lines, which three tests read: the run is the suite's costly part, and
  /// the same script on the virtual clock gives the same lines every time.
  static let plainRun = run()

  static func run(compress: String? = nil, channels: String? = nil, xbzrle: Bool = false)
    -> [String]
  {
    var events: [String] = []
    let files = InMemoryFiles([
      "/work/events.script": FileContents(text: Self.script),
      "/work/root.pw": FileContents(text: "secret\n"),
      "/work/wrong.pw": FileContents(text: "guess\n"),
    ])
    _ = RunMode.run(
      .init(
        scriptPath: "events.script", maxPasses: "8", compress: compress, channels: channels,
        xbzrle: xbzrle),
      files: files,
      workingDirectory: "/work",
      output: .init(transcript: { _ in }, error: { _ in }, events: { events.append($0) }))
    return events
  }

  func schema() throws -> JSONSchemaValidator {
    JSONSchemaValidator(try JSONValue.parse(try Fixtures.text("docs/events.schema.json")))
  }

  @Test func everyLineConformsToTheSchema() throws {
    let events = Self.plainRun
    #expect(events.count > 100)
    let validator = try schema()
    var kinds: Set<String> = []
    for line in events {
      let value = try JSONValue.parse(line)
      let problems = validator.problems(value)
      #expect(problems == [], "\(line)")
      if case .object(let fields) = value, case .string(let kind)? = fields["kind"] {
        kinds.insert(kind)
      }
    }
    // The run shows most of what the format can say.
    let expected: Set<String> = [
      "started", "pre-check-passed", "pre-check-failed", "phase-started", "phase-finished",
      "target-created", "cold-migration", "pass-finished", "suspended", "hand-off-requested",
      "digests-matched", "resumed", "completed", "cancelled", "failed", "target-destroyed",
      "error-cleared", "fault-armed", "fault-injected", "fault-without-migration", "link-slowed",
      "downtime-over-limit",
    ]
    #expect(expected.subtracting(kinds) == [])
  }

  /// With compression, the same run's lines conform too, and the passes, the resume and the
  /// completion say what the codec did.
  @Test(arguments: ["lz4", "zstd"])
  func compressedRunsConformAndCarryTheCodec(codec: String) throws {
    let validator = try schema()
    var carrying: Set<String> = []
    for line in Self.run(compress: codec) {
      let value = try JSONValue.parse(line)
      #expect(validator.problems(value) == [], "\(line)")
      if case .object(let fields) = value, case .string(let kind)? = fields["kind"],
        case .string(codec)? = fields["codec"]
      {
        carrying.insert(kind)
      }
    }
    #expect(carrying == ["pass-finished", "resumed", "completed"])
  }

  /// With parallel channels and XBZRLE, the same run's lines conform too: the resume and the
  /// completion carry one entry per channel, and each live migration's completion says what
  /// XBZRLE did; ldom04, which passes again and again, sent pages again as differences.
  @Test func runsOnParallelChannelsWithXBZRLEConformAndCarryBoth() throws {
    let validator = try schema()
    var carrying: [String: Int] = [:]
    var differences: [String: Int64] = [:]
    for line in Self.run(compress: "lz4", channels: "3", xbzrle: true) {
      let value = try JSONValue.parse(line)
      #expect(validator.problems(value) == [], "\(line)")
      guard case .object(let fields) = value, case .string(let kind)? = fields["kind"] else {
        continue
      }
      if case .array(let channels)? = fields["channels"] {
        #expect(channels.count == 3, "\(line)")
        carrying[kind, default: 0] += 1
      }
      if case .object(let xbzrle)? = fields["xbzrle"], case .string(let domain)? = fields["domain"],
        case .integer(let pages)? = xbzrle["pages"]
      {
        #expect(kind == "completed", "\(line)")
        differences[domain, default: 0] += pages
      }
    }
    #expect(Set(carrying.keys) == ["resumed", "completed"])
    #expect(differences["ldom04", default: 0] > 0, "\(differences)")
  }

  @Test func timesHaveAFixedPrecisionAndNeverGoBack() throws {
    var last = 0.0
    for line in Self.plainRun {
      let match = line.firstMatch(of: /^\{"time":(\d+\.\d{6}),"kind":"/)
      #expect(match != nil, "\(line)")
      let time = Double(match.map { String($0.1) } ?? "") ?? -1
      #expect(time >= last, "\(line)")
      last = time
    }
  }

  @Test func noSwiftInternalsAndNoEmptyFields() throws {
    for line in Self.plainRun {
      #expect(!line.contains("rawValue"), "\(line)")
      #expect(!line.contains(#"":"""#), "an empty field in \(line)")
      #expect(!line.contains("Optional("), "\(line)")
    }
  }

  @Test func everyKindOfEventHasItsPlaceInTheSchema() throws {
    guard
      case .object(let root) = try JSONValue.parse(try Fixtures.text("docs/events.schema.json")),
      case .array(let branches)? = root["oneOf"]
    else {
      Issue.record("the schema has no oneOf")
      return
    }
    let titles = branches.compactMap { branch -> String? in
      guard case .object(let fields) = branch, case .string(let title)? = fields["title"] else {
        return nil
      }
      return title
    }
    #expect(Set(titles) == Set(MigrationEvent.Kind.allCases.map(\.rawValue)))
    #expect(titles.count == MigrationEvent.Kind.allCases.count)
  }

  @Test func theValidatorRefusesWhatTheSchemaForbids() throws {
    let validator = try schema()
    func problems(_ line: String) throws -> [String] {
      validator.problems(try JSONValue.parse(line))
    }
    let good =
      #"{"time":1.000000,"kind":"suspended","host":"a","migration":1,"domain":"d","#
      + #""phase":"suspension","dirtyPages":3,"vcpus":1,"message":"suspended"}"#
    #expect(try problems(good) == [])
    #expect(try !problems(good.replacingOccurrences(of: #""vcpus":1,"#, with: "")).isEmpty)
    #expect(
      try !problems(good.replacingOccurrences(of: #""dirtyPages":3"#, with: #""dirtyPages":-3"#))
        .isEmpty)
    #expect(
      try !problems(good.replacingOccurrences(of: #""domain":"d""#, with: #""domain":"""#)).isEmpty)
    #expect(try !problems(good.replacingOccurrences(of: "suspension", with: "nap")).isEmpty)
    #expect(
      try !problems(good.replacingOccurrences(of: #""vcpus":1"#, with: #""vcpus":1,"extra":1"#))
        .isEmpty)
    #expect(
      try !problems(
        good.replacingOccurrences(of: #""kind":"suspended""#, with: #""kind":"napping""#)
      ).isEmpty)
  }
}
