import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// The engine thread's logic, driven synchronously.
@Suite struct EngineStateTests {
  func engine() throws -> EngineState {
    EngineState(datacenter: try MigrationHarness.builtin(populateMemory: false))
  }

  /// Sends `command` and lets engine time pass until an answer comes (the pre-checks are a
  /// conversation with the target), at most ten seconds of it.
  func answer(_ command: EngineCommand, _ engine: inout EngineState) -> [EngineReport] {
    var reports = engine.handle(command)
    for _ in 0..<200 where reports.isEmpty { reports = engine.advance(wallSeconds: 0.05) }
    return reports
  }

  @Test func migrateFormStartsARunnableMigration() throws {
    var engine = try engine()
    let reports = answer(
      .migrate(MigrationHarness.request("ldom01", as: "ldom_other"), ticket: 7), &engine)
    guard case .migrationStarted(7, let id) = reports.first else {
      Issue.record("not started: \(reports)")
      return
    }
    _ = engine.advance(wallSeconds: 5)
    #expect(engine.datacenter.migration(id)?.outcome == .completed)
  }

  @Test func migrateFormIsRefusedWithEveryFailingCheck() throws {
    var engine = try engine()
    // Started at once, as ldm migrate is; refused once the failing check is announced.
    #expect(
      engine.handle(
        .migrate(MigrationHarness.request("ldom03", password: "nope"), ticket: 1))
        == [.migrationStarted(ticket: 1, id: MigrationID(1))])
    #expect(
      answer(.setSpeed(1), &engine) == [
        .migrationRefused(
          ticket: 1, id: MigrationID(1), domain: "ldom03",
          lines: [
            "Authentication to sparc-t4-b as root failed", "Domain Migration of LDom ldom03 failed",
          ])
      ])
    #expect(
      engine.handle(.migrate(MigrationHarness.request("ldom03"), ticket: 2))
        == [.migrationStarted(ticket: 2, id: MigrationID(2))])
    #expect(
      answer(.setSpeed(1), &engine) == [
        .migrationRefused(
          ticket: 2, id: MigrationID(2), domain: "ldom03",
          lines: [
            "Volume vol03@primary-vds0 is not defined on the target machine",
            "Domain Migration of LDom ldom03 failed",
          ])
      ])
    #expect(engine.datacenter.running.isEmpty)
  }

  @Test func dryRunAnswersWithTheChecks() throws {
    var engine = try engine()
    let reports = answer(
      .migrate(MigrationHarness.request("ldom01", dryRun: true), ticket: 3), &engine)
    guard case .dryRunFinished(3, let results) = reports.first else {
      Issue.record("no dry-run answer: \(reports)")
      return
    }
    #expect(results.allSatisfy { $0.passed })
    #expect(engine.datacenter.running.isEmpty)
  }

  @Test func pauseAndSpeed() throws {
    var engine = try engine()
    _ = engine.handle(.setPaused(true))
    let before = engine.datacenter.now
    _ = engine.advance(wallSeconds: 1)
    #expect(engine.datacenter.now == before)
    _ = engine.handle(.setPaused(false))
    _ = engine.handle(.setSpeed(4))
    _ = engine.advance(wallSeconds: 0.5)
    #expect(abs(engine.datacenter.now - before - 2) < 1e-9)
    _ = engine.handle(.setSpeed(100))
    #expect(engine.speed == 16)
  }

  @Test func presenterStepStopsAtEachPhase() throws {
    var engine = try engine()
    _ = engine.handle(.migrate(MigrationHarness.request("ldom01"), ticket: 1))
    var seen: [Phase] = []
    for _ in 0..<5 {
      _ = engine.handle(.pauseAtNextPhase)
      var reports: [EngineReport] = []
      // Bounded: a step that never stops would fail here instead of hanging.
      for _ in 0..<400 where reports.isEmpty { reports = engine.advance(wallSeconds: 0.05) }
      guard case .pausedAtPhase(_, let phase) = reports.first else { break }
      seen.append(phase)
      #expect(engine.isPaused)
    }
    // Every phase, then a last stop when the migration has ended (still in hand-off).
    #expect(seen == [.targetCreation, .stateTransfer, .suspension, .handOff, .handOff])
    #expect(engine.datacenter.running.isEmpty)
  }

  @Test func cancelAndFaultReports() throws {
    var engine = try engine()
    #expect(
      engine.handle(.cancel(domain: "ldom01", host: "sparc-t4-a", ticket: 4)) == [
        .refused(ticket: 4, lines: ["No migration of domain ldom01 is in progress"])
      ])
    _ = engine.handle(.migrate(MigrationHarness.request("ldom01"), ticket: 5))
    // The cancel is answered once the target confirms its half is gone.
    #expect(engine.handle(.cancel(domain: "ldom01", host: "sparc-t4-a", ticket: 6)) == [])
    // The form's migration was still in its pre-checks: its request ends as refused.
    #expect(
      engine.advance(wallSeconds: 0.05) == [
        .migrationRefused(
          ticket: 5, id: MigrationID(1), domain: "ldom01",
          lines: [
            "Migration of domain ldom01 was cancelled", "Domain Migration of LDom ldom01 failed",
          ]),
        .cancelled(ticket: 6),
      ])
    #expect(
      engine.handle(.fault(.slowLink(bitsPerSecond: 1e7), .link, .now, ticket: 8)) == [
        .faultInjected(ticket: 8, description: "slow-link 10Mbit/s now")
      ])
  }

  @Test func ldmLineAtThePrompt() throws {
    var engine = try engine()
    let reports = engine.handle(.ldm(line: "ldm list ldom06", host: "sparc-t4-a", ticket: 9))
    guard case .commandFinished(9, let output, 0) = reports.first else {
      Issue.record("unexpected: \(reports)")
      return
    }
    #expect(output.contains("ldom06"))
    #expect(output.contains("bound"))
  }

  @Test func liveDatacenterRunsOnItsOwnThread() throws {
    let live = try LiveDatacenter(scenario: ScenarioLoader.builtin())
    defer { live.stop() }
    live.send(.setSpeed(16))
    live.send(.migrate(MigrationHarness.request("ldom06"), ticket: 1))
    var started: MigrationID?
    var finished = false
    let deadline = Date().addingTimeInterval(60)
    while !finished, Date() < deadline {
      let (snapshot, reports) = live.poll()
      for case .migrationStarted(1, let id) in reports { started = id }
      if let started,
        let migration = snapshot?.datacenter.migrations.first(where: { $0.id == started })
      {
        finished = migration.outcome == .completed
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    #expect(finished)
  }
}
