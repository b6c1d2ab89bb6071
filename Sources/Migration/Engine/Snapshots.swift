import Hypervisor

/// An immutable picture of one migration.
public struct MigrationSnapshot: Sendable, Equatable {
  public var id: MigrationID
  public var sourceHost: String
  public var targetHost: String
  public var domain: String
  public var targetName: String
  public var isLive: Bool
  public var phase: Phase
  public var phaseStarts: [Phase: Double]
  public var outcome: MigrationOutcome?
  public var statistics: MigrationStatistics
  public var passes: [PassRecord]
  public var preChecks: [PreCheckResult]
  public var isHandingOff: Bool

  public var isFinished: Bool { outcome != nil }
  public var isRenamed: Bool { targetName != domain }
}

extension Migration {
  public func snapshot() -> MigrationSnapshot {
    MigrationSnapshot(
      id: id, sourceHost: sourceHostName, targetHost: targetHostName, domain: domainName,
      targetName: targetName, isLive: isLive, phase: phase, phaseStarts: phaseStarts,
      outcome: outcome, statistics: statistics, passes: passes, preChecks: announcedChecks,
      isHandingOff: isHandingOff)
  }
}

/// An immutable picture of the whole datacenter, as the console draws it.
public struct DatacenterSnapshot: Sendable, Equatable {
  public var time: Double
  public var hosts: [HostSnapshot]
  /// Recently finished migrations, then those under way.
  public var migrations: [MigrationSnapshot]
  public var settings: EngineSettings
  public var armedFaults: [String]

  public func host(named name: String) -> HostSnapshot? {
    hosts.first { $0.name == name }
  }

  /// The migration under way that involves `domain` on `host`, from either side.
  public func activeMigration(of domain: String, on host: String) -> MigrationSnapshot? {
    migrations.last {
      !$0.isFinished
        && (($0.sourceHost == host && $0.domain == domain)
          || ($0.targetHost == host && $0.targetName == domain && $0.phase >= .targetCreation))
    }
  }
}
