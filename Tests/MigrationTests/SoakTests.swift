import Hypervisor
import Synchronization
import Testing

@testable import Engine

/// A small soak: the same invariants as `ldm-console soak`, on fewer migrations.
@Suite struct SoakTests {
  @Test(arguments: [UInt64(1), 2, 4])
  func smallSoakKeepsEveryInvariant(seed: UInt64) throws {
    let report = try Soak.run(Soak.Options(migrations: 40, seed: seed, populateMemory: false))
    #expect(report.violations == [])
    #expect(report.passed)
    #expect(report.started == 40)
    // Every migration ended one way or another, and is counted once.
    #expect(
      report.completed + report.cancelled + report.failedByFault + report.refusedByPreCheck
        + report.failedOther == report.started)
    #expect(report.failedOther == 0, "\(report.notes)")
    // The random mix reaches every kind of ending, renames included.
    #expect(report.completed > 10)
    #expect(report.renamed > 0)
    #expect(report.cancelled > 0)
    #expect(report.failedByFault > 0)
    #expect(report.refusedByPreCheck > 0)
    #expect(report.faultsInjected >= report.failedByFault)
    #expect(report.simulatedSeconds > 0)
    // Each codec is drawn, and every completed live migration sent in the one it offered.
    #expect(Set(report.byCodec.keys) == ["none", "lz4", "zstd"])
    #expect(report.byCodec.values.reduce(0, +) == report.started)
    // So is each number of channels from 1 to 4, and every completed live migration sent on
    // the channels it asked for (an invariant of the soak).
    #expect(Set(report.byChannels.keys) == ["1", "2", "3", "4"])
    #expect(report.byChannels.values.reduce(0, +) == report.started)
    // About half ask for XBZRLE; every completed live one had it agreed (an invariant).
    #expect(report.withXBZRLE > 0 && report.withXBZRLE < report.started)
  }

  /// `--progress`: told after each tenth of the migrations has started, with the counts so far.
  @Test func progressIsToldAfterEachTenth() throws {
    let told = Mutex<[Int]>([])
    var options = Soak.Options(migrations: 20, seed: 5, populateMemory: false)
    options.progress = { report, resident, guest in
      told.withLock { $0.append(report.started) }
      #expect(resident != nil)
      // Without populated memory the guests' own writes are all there is.
      #expect(guest > 0 && guest < resident ?? 0)
    }
    let report = try Soak.run(options)
    #expect(report.passed)
    #expect(told.withLock { $0 } == Array(stride(from: 2, through: 20, by: 2)))
  }

  /// `--channels N` fixes every migration's channels.
  @Test func fixedChannelsKeepEveryInvariant() throws {
    let report = try Soak.run(
      Soak.Options(migrations: 8, seed: 3, populateMemory: true, channels: 3))
    #expect(report.violations == [])
    #expect(report.byChannels == ["3": 8])
    #expect(report.completed > 0)
  }

  @Test func sameSeedSameRun() throws {
    let options = Soak.Options(migrations: 10, seed: 7, populateMemory: false)
    let first = try Soak.run(options)
    let second = try Soak.run(options)
    var a = first
    var b = second
    // Resident memory is the only thing that may differ between two runs.
    a.resident = .init()
    b.resident = .init()
    #expect(a == b)
  }

  /// With real memory contents every completed live migration compares two digests.
  @Test func populatedMemoryMigrationsVerify() throws {
    let report = try Soak.run(Soak.Options(migrations: 6, seed: 5, populateMemory: true))
    #expect(report.violations == [])
    #expect(report.completed > 0)
    #expect(report.resident.start != nil)
    #expect(report.resident.end != nil)
  }

  /// Confined to their hot working sets, guests touch fewer pages than their cold writes
  /// would, and the invariants hold all the same.
  @Test func hotSetOnlyBoundsGuestMemory() throws {
    let free = try Soak.run(Soak.Options(migrations: 15, seed: 4, populateMemory: false))
    let confined = try Soak.run(
      Soak.Options(migrations: 15, seed: 4, populateMemory: false, hotSetOnly: true))
    #expect(confined.violations == [])
    let freeBytes = try #require(free.guestMemory.end)
    let confinedBytes = try #require(confined.guestMemory.end)
    #expect(confinedBytes < freeBytes)
  }

  /// The soak needs two hosts; a scenario with one is refused before anything runs.
  @Test func oneHostScenarioIsRefused() throws {
    var scenario = ScenarioLoader.builtin()
    scenario.hosts.removeLast()
    #expect(throws: HypervisorError.self) {
      try Soak.run(Soak.Options(migrations: 1, scenario: scenario))
    }
  }

  /// The checks catch a broken world: a domain that vanishes behind the soak's back, and a
  /// half-made target that no migration owns.
  @Test func brokenWorldIsReported() throws {
    // Each broken invariant is also told as it is found (`soak --progress`).
    let told = Mutex<[String]>([])
    var options = Soak.Options(migrations: 0, populateMemory: false)
    options.violationFound = { line in told.withLock { $0.append(line) } }
    var runner = try Soak.Runner(options)
    runner.checkWorld()
    #expect(runner.report.violations == [])
    try runner.datacenter.hosts[0].destroyDomain("ldom01")
    runner.checkWorld()
    #expect(runner.report.violations.contains { $0.contains("domains lost [\"ldom01\"]") })
    let configuration = try #require(runner.datacenter.hosts[0].domain(named: "ldom02"))
      .configuration
    try runner.datacenter.hosts[1].createMigrationTarget(configuration, named: "stray")
    runner.checkWorld()
    #expect(runner.report.violations.contains { $0.contains("half-made target stray") })
    #expect(!runner.report.passed)
    #expect(told.withLock { $0 } == runner.report.violations)
  }
}
