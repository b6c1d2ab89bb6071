import Engine
import Hypervisor
import Migration
import TestSupport
import Testing

/// Random sequences of migrate, cancel, fault and sleep over the built-in scenario keep every
/// invariant: exact accounting, no domain lost or duplicated, completed migrations verified.
@Suite struct PropertyTests {
  typealias H = MigrationHarness

  @Test(arguments: 1...8)
  func randomOperationsKeepInvariants(seed: Int) throws {
    var random = DeterministicRandom(seed: UInt64(seed) &* 7919)
    let datacenter = try H.builtin(populateMemory: false)
    let hosts = ["sparc-t4-a", "sparc-t4-b"]
    // Every domain that is not a migration target, by host: the set must be conserved.
    func residents() -> [String] {
      datacenter.hosts.flatMap { host in
        host.domains.filter { $0.migrationRole != .target && !$0.isControl }.map(\.name)
      }.sorted()
    }
    var expected = residents()
    var started: [MigrationID] = []
    for step in 0..<40 {
      switch random.next(below: 10) {
      case 0...3:
        let from = random.next(below: 2)
        let candidates = datacenter.hosts[from].domains.filter {
          !$0.isControl && $0.migrationRole == nil
        }
        guard !candidates.isEmpty else { break }
        let domain = candidates[random.next(below: candidates.count)].name
        let rename = random.next(below: 3) == 0 ? "\(domain)r\(step)" : domain
        let id = try datacenter.startMigration(
          H.request(domain, from: hosts[from], to: hosts[1 - from], as: rename))
        started.append(id)
      case 4...5:
        let running = datacenter.running.filter { !$0.isHandingOff && !$0.isCancelling }
        guard !running.isEmpty else { break }
        let victim = running[random.next(below: running.count)]
        try datacenter.cancelMigration(of: victim.domainName, on: victim.sourceHostName)
      case 6:
        guard !datacenter.running.isEmpty else { break }
        let faults: [Fault] = [.linkDown, .targetCrash, .targetOutOfMemory]
        try datacenter.inject(faults[random.next(below: faults.count)], when: .now)
      default:
        datacenter.advance(by: random.nextUnit() * 3)
      }
      // Domains left in error by a link failure during hand-off are restored, as an operator
      // would do with cancel-operation.
      for host in datacenter.hosts {
        for domain in host.domains where domain.migrationRole == .error {
          try datacenter.cancelMigration(of: domain.name, on: host.name)
        }
      }
      #expect(datacenter.accountingProblems() == [], "step \(step)")
      for host in datacenter.hosts {
        #expect(Set(host.domains.map(\.name)).count == host.domains.count)
      }
      // Renames change names; account for completed ones.
      for migration in datacenter.finished where migration.outcome == .completed {
        if let index = expected.firstIndex(of: migration.domainName),
          migration.targetName != migration.domainName, !expected.contains(migration.targetName)
        {
          expected[index] = migration.targetName
          expected.sort()
        }
      }
      #expect(residents() == expected, "step \(step)")
    }
    datacenter.advance(until: { datacenter.running.isEmpty }, limit: 3_600)
    for id in started {
      guard let migration = datacenter.migration(id), migration.outcome == .completed else {
        continue
      }
      #expect(migration.statistics.sourceDigest == migration.statistics.targetDigest)
    }
    #expect(datacenter.accountingProblems() == [])
  }
}
