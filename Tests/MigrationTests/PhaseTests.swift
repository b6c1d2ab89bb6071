import Engine
import Hypervisor
import Migration
import TestSupport
import Testing

/// The five phases as `ldm list` shows them on both hosts (LDM-REFERENCE §4).
@Suite struct PhaseTests {
  typealias H = MigrationHarness

  @Test func eachPhaseShowsTheRightStatesAndFlags() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let id = try datacenter.startMigration(H.request("ldom01", as: "ldom_other"))

    // Phase 1: the source is marked at once; nothing exists on the target yet.
    #expect(datacenter.migration(id)?.phase == .preChecks)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---s 5000")
    #expect(H.row(datacenter, "sparc-t4-b", "ldom_other") == nil)

    // Phase 2: the target is created bound with the t flag and a console port, as soon as
    // the request reaches the destination.
    #expect(H.advance(datacenter, id, to: .targetCreation))
    datacenter.advance(by: 0.01)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---s 5000")
    #expect(H.row(datacenter, "sparc-t4-b", "ldom_other") == "bound -----t 5000")
    let target = try #require(datacenter.host(named: "sparc-t4-b")?.domain(named: "ldom_other"))
    let source = try #require(datacenter.host(named: "sparc-t4-a")?.domain(named: "ldom01"))
    #expect(target.memoryBlocks.map(\.realAddress) == source.memoryBlocks.map(\.realAddress))
    #expect(target.memoryBlocks.map(\.size) == source.memoryBlocks.map(\.size))
    #expect(target.strands.count == source.vcpuCount)
    #expect(target.disks == source.disks)
    #expect(target.networks == source.networks)

    // Phase 3: the source runs on while its memory moves.
    #expect(H.advance(datacenter, id, to: .stateTransfer))
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---s 5000")
    #expect(H.row(datacenter, "sparc-t4-b", "ldom_other") == "bound -----t 5000")

    // Phase 4: the source is suspended for the final copy.
    #expect(H.advance(datacenter, id, to: .suspension, step: 0.001))
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "suspended -n---s 5000")
    #expect(H.row(datacenter, "sparc-t4-b", "ldom_other") == "bound -----t 5000")

    // Phase 5: hand-off; then the target runs and the source is gone.
    #expect(H.advance(datacenter, id, to: .handOff, step: 0.001))
    #expect(datacenter.migration(id)?.isHandingOff == true)
    #expect(H.finish(datacenter, id) == .completed)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == nil)
    #expect(H.row(datacenter, "sparc-t4-b", "ldom_other") == "active -n---- 5000")
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func migrationWithoutRenameKeepsTheName() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.finish(datacenter, id) == .completed)
    #expect(H.row(datacenter, "sparc-t4-b", "ldom01") == "active -n---- 5000")
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == nil)
  }

  /// The guest writes the same pages with the same kind of bytes after it moved: its
  /// footprint and content profile cross with its configuration.
  @Test func theWorkloadArrivesWithItsFootprintAndContent() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let source = try #require(datacenter.host(named: "sparc-t4-a")?.domain(named: "ldom02"))
    let workload = source.workload
    #expect(workload.footprint != .fraction(1))
    #expect(workload.content != .random)
    let id = try datacenter.startMigration(H.request("ldom02"))
    #expect(H.finish(datacenter, id) == .completed)
    let arrived = try #require(datacenter.host(named: "sparc-t4-b")?.domain(named: "ldom02"))
    #expect(arrived.workload == workload)
  }

  @Test func boundDomainMigratesColdAndArrivesBound() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let id = try datacenter.startMigration(H.request("ldom06"))
    #expect(H.advance(datacenter, id, to: .targetCreation))
    datacenter.advance(by: 0.01)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom06") == "bound -----s 5005")
    #expect(H.row(datacenter, "sparc-t4-b", "ldom06") == "bound -----t 5000")
    #expect(H.finish(datacenter, id) == .completed)
    let migration = try #require(datacenter.migration(id))
    #expect(!migration.isLive)
    #expect(migration.passes.isEmpty)
    #expect(migration.statistics.actualDowntime == nil)
    #expect(H.row(datacenter, "sparc-t4-b", "ldom06") == "bound ------ 5000")
    #expect(H.row(datacenter, "sparc-t4-a", "ldom06") == nil)
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func inactiveDomainMigratesColdAndArrivesInactive() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let source = try #require(datacenter.host(named: "sparc-t4-a"))
    try source.unbind("ldom06")
    let id = try datacenter.startMigration(H.request("ldom06"))
    #expect(H.finish(datacenter, id) == .completed)
    #expect(H.row(datacenter, "sparc-t4-b", "ldom06") == "inactive ------ ")
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func statusIsVisibleFromBothSides() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let id = try datacenter.startMigration(H.request("ldom01", as: "ldom_other"))
    #expect(H.advance(datacenter, id, to: .stateTransfer))
    datacenter.advance(by: 0.05)
    let snapshot = datacenter.snapshot()
    let fromSource = try #require(snapshot.activeMigration(of: "ldom01", on: "sparc-t4-a"))
    let fromTarget = try #require(snapshot.activeMigration(of: "ldom_other", on: "sparc-t4-b"))
    #expect(fromSource == fromTarget)
    #expect(fromSource.statistics.progress > 0 && fromSource.statistics.progress < 1)
    #expect(snapshot.activeMigration(of: "ldom01", on: "sparc-t4-b") == nil)
  }

  @Test func severalMigrationsRunAtOnceAndShareTheLink() throws {
    let datacenter = try H.builtin()
    let first = try datacenter.startMigration(H.request("ldom01"))
    let second = try datacenter.startMigration(H.request("ldom02"))
    let third = try datacenter.startMigration(H.request("ldom06"))
    #expect(H.advance(datacenter, first, to: .stateTransfer))
    datacenter.advance(by: 0.2)
    #expect(datacenter.running.count == 2)
    // Two transfers share the gigabit link: what left their ends fits its capacity.
    let sent = datacenter.running.compactMap { $0.channel?.departed(by: datacenter.now).bytes }
    #expect(sent.count == 2)
    let total = Double(sent.reduce(0, +))
    #expect(total <= 1e9 / 8 * 0.2 * 1.05)
    #expect(sent.allSatisfy { Double($0) > total / 4 })
    for id in [first, second, third] { #expect(H.finish(datacenter, id) == .completed) }
    let b = try #require(datacenter.host(named: "sparc-t4-b"))
    #expect(Set(b.domains.map(\.name)) == ["primary", "ldom01", "ldom02", "ldom06"])
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func migratingBackAndForthWorks() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let there = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.finish(datacenter, there) == .completed)
    let back = try datacenter.startMigration(
      H.request("ldom01", from: "sparc-t4-b", to: "sparc-t4-a", as: "ldom01"))
    #expect(H.finish(datacenter, back) == .completed)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01")?.hasPrefix("active -n----") == true)
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func eventsTellTheStoryInOrder() throws {
    let datacenter = try H.builtin(populateMemory: false)
    var kinds: [MigrationEvent.Kind] = []
    datacenter.eventSink = { kinds.append($0.kind) }
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.finish(datacenter, id) == .completed)
    #expect(kinds.first == .started)
    #expect(kinds.last == .completed)
    #expect(kinds.filter { $0 == .phaseStarted }.count == 4)
    #expect(kinds.contains(.preCheckPassed))
    #expect(kinds.contains(.targetCreated))
    #expect(kinds.contains(.passFinished))
    #expect(kinds.contains(.suspended))
    #expect(kinds.contains(.handOffRequested))
    #expect(kinds.contains(.resumed))
    let times = datacenter.recentEvents.map(\.time)
    #expect(times == times.sorted())
  }
}
