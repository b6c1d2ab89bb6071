import Hypervisor
import Migration

/// An immutable picture of one migration, as its source sees it.
public struct MigrationSnapshot: Sendable, Equatable, Codable {
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
  /// The domain's state when the migration started: active for a live one.
  public var initialState: DomainState
  /// Whether the target was asked to create the domain (a cancel then destroys it).
  public var targetExisted: Bool

  public var isFinished: Bool { outcome != nil }
  public var isRenamed: Bool { targetName != domain }
}

/// An immutable picture of a migration arriving, as its destination sees it.
public struct IncomingSnapshot: Sendable, Equatable, Codable {
  public var id: MigrationID
  public var sourceHost: String
  public var targetHost: String
  /// The domain's name on this host.
  public var targetName: String
  /// The progress the source last reported.
  public var progress: Double
  public var hasResumed: Bool
  /// The agreed codec and what decompressing cost this host so far; nil while uncompressed.
  public var decompression: CompressionFigures?
  /// What each page channel brought so far, when more than one was granted.
  public var channels: [ChannelFigures]?
}

extension SourceSide {
  public func snapshot() -> MigrationSnapshot {
    MigrationSnapshot(
      id: id, sourceHost: sourceHostName, targetHost: targetHostName, domain: domainName,
      targetName: targetName, isLive: isLive, phase: phase, phaseStarts: phaseStarts,
      outcome: outcome, statistics: statistics, passes: passes, preChecks: announcedChecks,
      isHandingOff: isHandingOff, initialState: initialState, targetExisted: targetRequested)
  }
}

extension DestinationSide {
  /// The half of a migration this side holds, if it holds one.
  public func snapshot() -> IncomingSnapshot? {
    guard purpose == .migrate, let migration, let targetName, holdsTarget || hasResumed else {
      return nil
    }
    return IncomingSnapshot(
      id: migration, sourceHost: sourceHost, targetHost: host.name, targetName: targetName,
      progress: progress, hasResumed: hasResumed, decompression: decompression,
      channels: channelFigures)
  }
}

/// An immutable picture of the whole datacenter, as the console draws it.
public struct DatacenterSnapshot: Sendable, Equatable, Codable {
  public var time: Double
  public var hosts: [HostSnapshot]
  /// Recently finished migrations, then those under way, as their sources see them.
  public var migrations: [MigrationSnapshot]
  /// Migrations arriving, as their destinations see them.
  public var incoming: [IncomingSnapshot]
  public var settings: EngineSettings
  public var armedFaults: [String]

  public init(
    time: Double, hosts: [HostSnapshot], migrations: [MigrationSnapshot],
    incoming: [IncomingSnapshot], settings: EngineSettings, armedFaults: [String]
  ) {
    self.time = time
    self.hosts = hosts
    self.migrations = migrations
    self.incoming = incoming
    self.settings = settings
    self.armedFaults = armedFaults
  }

  public func host(named name: String) -> HostSnapshot? {
    hosts.first { $0.name == name }
  }

  /// The views of several daemons as one datacenter: the hosts in `order` (a host not heard
  /// from yet is known by name only), every migration and half, the newest time.
  public static func merged(_ parts: [String: DatacenterSnapshot], order: [String])
    -> DatacenterSnapshot
  {
    let views = order.compactMap { parts[$0] }
    return DatacenterSnapshot(
      time: views.map(\.time).max() ?? 0,
      hosts: order.map { name in
        parts[name]?.host(named: name) ?? .unknown(named: name)
      },
      migrations: views.flatMap(\.migrations).sorted { $0.id < $1.id },
      incoming: views.flatMap(\.incoming), settings: views.first?.settings ?? EngineSettings(),
      armedFaults: [])
  }

  /// The migration under way that involves `domain` on `host`, from either side.
  public func activeMigration(of domain: String, on host: String) -> MigrationSnapshot? {
    migrations.last {
      !$0.isFinished
        && (($0.sourceHost == host && $0.domain == domain)
          || ($0.targetHost == host && $0.targetName == domain && $0.phase >= .targetCreation))
    }
  }

  /// The newest migration of `domain` from `host` that ended, if it is still remembered.
  public func lastMigration(of domain: String, from host: String) -> MigrationSnapshot? {
    migrations.last { $0.isFinished && $0.sourceHost == host && $0.domain == domain }
  }

  /// What the destination `host` knows of `domain` arriving there.
  public func incoming(_ domain: String, on host: String) -> IncomingSnapshot? {
    incoming.last { $0.targetHost == host && $0.targetName == domain && !$0.hasResumed }
  }
}
