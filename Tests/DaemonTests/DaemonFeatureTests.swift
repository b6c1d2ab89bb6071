import Daemon
import Engine
import Foundation
import LdmCommands
import Migration
import TestSupport
import Testing

extension Daemons {
  /// What a migration does in-process, done by two real daemons on loopback and driven by a
  /// console's control links: the five phases in order, two migrations at once, and cancel (from
  /// the source only: the target's daemon refuses with ldm's message).
  @Suite(.serialized) struct DaemonFeatureTests {
    static func request(_ domain: String, as name: String? = nil) -> MigrationRequest {
      MigrationRequest(
        sourceHost: "sparc-t4-a", domain: domain, targetHost: "sparc-t4-b", password: "secret",
        targetName: name ?? domain)
    }

    /// A scenario file of ``TwoHostScenario`` in `folder`.
    static func scenario(_ scenario: TwoHostScenario, in folder: URL) throws -> String {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let path = folder.appendingPathComponent("two-hosts.yaml").path
      try Data(scenario.yaml.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }

    @Test func twoConcurrentMigrationsEachGoThroughTheFivePhases() async throws {
      let pair = try await DaemonPair(label: "concurrent")
      pair.linkA.send(.migrate(Self.request("ldom01"), ticket: 1))
      pair.linkA.send(.migrate(Self.request("ldom02", as: "ldom02b"), ticket: 2))
      let (a, _) = try await pair.waitUntil(
        "ldom01 and ldom02b active on sparc-t4-b", timeout: 300,
        hopeless: { a, _ in
          a?.migrations.contains { $0.isFinished && $0.outcome != .completed } ?? false
        },
        { a, b in
          pair.domain("ldom01", in: b) == "active -n----"
            && pair.domain("ldom02b", in: b) == "active -n----"
            && a?.migrations.filter({ $0.outcome == .completed }).count == 2
        })
      let migrations = try #require(a?.migrations)
      #expect(Set(migrations.map(\.domain)) == ["ldom01", "ldom02"])
      for migration in migrations {
        #expect(migration.statistics.sourceDigest == migration.statistics.targetDigest)
        let own = pair.events.filter { $0.migration == migration.id && $0.host == "sparc-t4-a" }
        // Phase 1 begins with the start itself; each later one is announced as it begins, and
        // each is said done before the next.
        #expect(own.first?.kind == .started && own.first?.phase == .preChecks)
        let started = own.compactMap { event -> Phase? in
          if case .phaseStarted(let phase) = event.detail { return phase }
          return nil
        }
        let finished = own.compactMap { event -> Phase? in
          if case .phaseFinished(let phase) = event.detail { return phase }
          return nil
        }
        #expect(started == Array(Phase.allCases.dropFirst()), "\(migration.domain): \(started)")
        #expect(finished == Array(Phase.allCases.dropLast()), "\(migration.domain): \(finished)")
        #expect(own.last?.kind == .completed)
      }
      // Both ran at once: the second started before the first completed.
      let started = pair.events.filter { $0.kind == .started && $0.host == "sparc-t4-a" }
      let completed = pair.events.filter { $0.kind == .completed && $0.host == "sparc-t4-a" }
      #expect(started.count == 2 && completed.count == 2)
      if let second = started.last, let first = completed.first {
        #expect(second.time <= first.time)
      }
    }

    /// Between daemons the downtime is the wall clock's, and comparing the digests of 512 MiB
    /// on both sides takes far longer than a 20 ms limit while the last few pages take far less:
    /// the over-limit event names the digests, not a link that fell short.
    @Test func aDowntimeSpentOnTheDigestsIsSaidToBe() async throws {
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-verification-\(getpid())-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: folder) }
      var scenario = TwoHostScenario()
      scenario.memory = "512M"
      let path = try Self.scenario(scenario, in: folder)
      let yaml = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
        of: "\nhosts:\n", with: "\nmigration: { downtime-limit: 20ms }\nhosts:\n")
      try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
      let pair = try await DaemonPair(label: "verification", scenario: path)
      pair.linkA.send(.migrate(Self.request("ldom01"), ticket: 1))
      let (a, _) = try await pair.waitUntil("ldom01 active on sparc-t4-b", timeout: 300) { a, b in
        pair.domain("ldom01", in: b) == "active -n----" && pair.domain("ldom01", in: a) == nil
      }
      #expect(a?.migrations.first?.outcome == .completed)
      let reasons = pair.events.compactMap { event -> OverLimitReason? in
        guard event.host == "sparc-t4-a", case .downtimeOverLimit(_, _, let reason) = event.detail
        else { return nil }
        return reason
      }
      #expect(reasons == [.verification], "\(reasons)")
    }

    @Test func aCancelIsRefusedOnTheTargetAndDoneOnTheSource() async throws {
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-cancel-\(getpid())-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: folder) }
      let pair = try await DaemonPair(
        label: "cancel", scenario: try Self.scenario(TwoHostScenario(), in: folder))
      pair.linkA.send(.migrate(Self.request("ldom01"), ticket: 1))
      // The source's daemon is held (SIGSTOP) as soon as its log says the target's half is
      // made, and while the target is asked, so the migration is still in its first pass when
      // the source is: a pass of 1 GiB lasts seconds alone, and a machine busy with other
      // tests can take that long to answer twice (the daemons' views come over the control
      // links later still). Held for less than the target's peer timeout, the source's
      // silence ends nothing.
      _ = try pair.a.waitForLine(timeout: 60) { $0.contains("ldom01 target ldom01 created") }
      pair.a.signal(SIGSTOP)
      // However the test ends, the daemon is not left stopped (it would not see SIGTERM).
      defer { pair.a.signal(SIGCONT) }
      pair.linkB.send(
        .ldm(line: "ldm cancel-operation migration ldom01", host: "sparc-t4-b", ticket: 2))
      // The source's cancel waits in the held daemon's socket, to be read as it goes on.
      pair.linkA.send(
        .ldm(line: "ldm cancel-operation migration ldom01", host: "sparc-t4-a", ticket: 3))
      try await pair.waitUntil("the target's refusal") { _, _ in
        pair.reports.contains { $0.ticket == 2 }
      }
      let refusal = "Migration of domain ldom01 can only be cancelled from the source machine"
      #expect(
        pair.reports.contains { report in
          guard case .commandFinished(2, let output, let status) = report else { return false }
          return output.contains(refusal) && status != 0
        }, "\(pair.reports)")
      pair.a.signal(SIGCONT)
      let (a, _) = try await pair.waitUntil("ldom01 running on sparc-t4-a only") { a, b in
        pair.domain("ldom01", in: a) == "active -n----" && pair.domain("ldom01", in: b) == nil
          && a?.migrations.first?.isFinished == true
      }
      let migration = try #require(a?.migrations.first)
      #expect(migration.outcome == .cancelled, "\(String(describing: migration.outcome))")
      #expect(pair.events.contains { $0.kind == .targetDestroyed && $0.host == "sparc-t4-b" })
    }
  }
}
