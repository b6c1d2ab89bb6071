import DequeModule
import Hypervisor
import Migration

/// One host's Logical Domains Manager (ldmd): it owns the host, runs the source half of every
/// migration that leaves it and the destination half of every one that arrives, and reaches
/// other hosts only through `connect`.
///
/// The same type serves the in-process datacenter (two managers over an in-process link) and
/// a daemon (one manager over TCP). Owned by one thread.
public final class HostManager {
  public let host: Host
  public var settings: EngineSettings
  /// Opens a connection to the manager of the named host; nil when it cannot be reached.
  let connect: (String) -> MigrationChannel?
  let emit: (MigrationEvent) -> Void

  /// Migrations leaving this host that are under way, in start order.
  public private(set) var migrations: [SourceSide] = []
  /// Finished migrations that left this host, newest last; bounded.
  public private(set) var finished: Deque<SourceSide> = []
  /// `ldm migrate -n` runs, until their caller collects them.
  public private(set) var dryRuns: [SourceSide] = []
  /// Connections from other hosts' managers: migrations arriving, dry runs, recovery queries.
  public private(set) var incoming: [DestinationSide] = []
  /// `cancel-operation` recoveries of domains left with the error flag.
  public private(set) var recoveries: [RecoveryQuery] = []
  /// Called when a migration leaving this host finishes a phase.
  public var onPhaseFinished: ((SourceSide, Phase, Double) -> Void)?
  /// Presenter mode: migrations stand still after each phase change until released.
  public var holdsAtPhaseChanges = false

  let policy: DestinationPolicy
  var nextToken: UInt64
  public static let finishedLimit = 32

  public init(
    host: Host, settings: EngineSettings, connect: @escaping (String) -> MigrationChannel?,
    emit: @escaping (MigrationEvent) -> Void
  ) {
    self.host = host
    self.settings = settings
    self.connect = connect
    self.emit = emit
    nextToken = DeterministicRandom.hash(host.name) | 1
    policy = DestinationPolicy(hostHasDomain: { [unowned host] in host.domain(named: $0) != nil })
  }

  /// Whether anything here waits on time: a migration, a connection, a recovery.
  public var isBusy: Bool {
    !migrations.isEmpty || dryRuns.contains { !$0.isFinished } || !incoming.isEmpty
      || recoveries.contains { !$0.isFinished }
  }

  // MARK: Commands

  /// `ldm migrate` on this host: connects to the target's manager and starts phase 1 (or the
  /// pre-checks alone for `-n`). Refusals come as the migration's failed pre-checks.
  public func startMigration(_ request: MigrationRequest, id: MigrationID, now: Double)
    -> SourceSide
  {
    let channel = request.targetHost == host.name ? nil : connect(request.targetHost)
    let side = SourceSide(
      id: id, request: request, host: host, channel: channel, settings: settings, now: now,
      emit: emit)
    side.holdsAtPhaseChange = holdsAtPhaseChanges
    let target = request.targetHost
    side.openPageChannel = { [weak self] in self?.connect(target) }
    if request.dryRun {
      dryRuns.append(side)
    } else {
      side.onPhaseFinished = { [weak self] side, phase, time in
        self?.onPhaseFinished?(side, phase, time)
      }
      migrations.append(side)
    }
    return side
  }

  /// A connection from another manager.
  public func accept(_ channel: MigrationChannel, now: Double) {
    nextToken &+= 0x9E37_79B9_7F4A_7C15
    incoming.append(
      DestinationSide(
        host: host, channel: channel, token: nextToken, policy: policy, now: now, emit: emit))
  }

  /// What `cancel-operation migration DOMAIN` did.
  public enum Cancellation {
    /// The source runs again; the migration ends when the destination confirms (see
    /// ``SourceSide/isCancelling``).
    case cancelled(SourceSide)
    /// The domain had the error flag: the target is being asked whether it resumed there.
    case recovering(RecoveryQuery)
  }

  /// `ldm cancel-operation migration DOMAIN` run on this host.
  public func cancel(_ domain: String, now: Double) throws(HypervisorError) -> Cancellation {
    if let migration = migrations.first(where: {
      $0.domainName == domain && !$0.isFinished && !$0.isCancelling
    }) {
      try migration.cancel(at: now)
      retireFinished()
      return .cancelled(migration)
    }
    if incoming.contains(where: { $0.targetName == domain && $0.holdsTarget }) {
      throw HypervisorError(
        "Migration of domain \(domain) can only be cancelled from the source machine")
    }
    guard let subject = host.domain(named: domain) else {
      throw HypervisorError("Domain \(domain) not found")
    }
    if subject.migrationRole == .error {
      if let underway = recoveries.first(where: { $0.domainName == domain && !$0.isFinished }) {
        return .recovering(underway)
      }
      let failed = finished.last { $0.domainName == domain && $0.outcome?.leftErrorFlag == true }
      let target = failed?.targetHostName ?? ""
      let query = RecoveryQuery(
        domain: domain, on: host, target: target, targetName: failed?.targetName ?? domain,
        token: failed?.token, channel: failed == nil ? nil : connect(target), now: now,
        emit: emit)
      recoveries.append(query)
      return .recovering(query)
    }
    throw HypervisorError("No migration of domain \(domain) is in progress")
  }

  // MARK: Time

  /// Lets every half and recovery here act on what is due by `now`; returns whether any did.
  @discardableResult
  public func step(until now: Double) -> Bool {
    var progress = false
    for side in migrations where !side.isFinished { progress = side.step(until: now) || progress }
    for side in dryRuns where !side.isFinished { progress = side.step(until: now) || progress }
    for side in incoming where !side.isFinished { progress = side.step(until: now) || progress }
    for query in recoveries where !query.isFinished {
      progress = query.step(until: now) || progress
    }
    progress = routePageChannels() || progress
    retireFinished()
    return progress
  }

  /// Hands each connection that announced itself a page channel to the migration it names;
  /// one naming no migration here is refused and closed.
  func routePageChannels() -> Bool {
    let joining = incoming.filter { $0.join != nil }
    guard !joining.isEmpty else { return false }
    incoming.removeAll { $0.join != nil }
    for side in joining {
      guard let join = side.join else { continue }
      let id = MigrationID(Int(truncatingIfNeeded: join.migration))
      if let half = incoming(of: id, from: join.sourceHost) {
        half.adopt(side.connection, join: join, at: side.time)
      } else {
        side.connection.send(
          MessageCodec.encode(
            .error(
              .protocolViolation(
                "CHANNEL-JOIN names migration \(join.migration) from \(join.sourceHost), which"
                  + " is not arriving here"))), at: side.time)
        side.connection.close(at: side.time)
      }
    }
    return true
  }

  /// Lets migrations held at a phase change move again (a new presenter slice).
  public func releaseHeld() {
    for side in migrations { side.release() }
  }

  func retireFinished() {
    if migrations.contains(where: \.isFinished) {
      for side in migrations where side.isFinished {
        finished.append(side)
        if finished.count > Self.finishedLimit { finished.removeFirst() }
      }
      migrations.removeAll(where: \.isFinished)
    }
    incoming.removeAll(where: \.isFinished)
    if recoveries.count > 16 { recoveries.removeAll(where: \.isFinished) }
  }

  /// Dry runs that have finished, handed to their caller once.
  public func collectDryRun(_ side: SourceSide) {
    dryRuns.removeAll { $0 === side }
  }

  // MARK: Faults and stopping

  /// The destination half of the migration `id` from `source`, if it arrived here.
  public func incoming(of id: MigrationID, from source: String) -> DestinationSide? {
    incoming.first { $0.migration == id && $0.sourceHost == source }
  }

  /// The manager's process dies and restarts: every connection resets and every half-made
  /// domain is removed, as ldmd does when it starts.
  public func restart(now: Double, only halves: [DestinationSide]? = nil) {
    for side in halves ?? incoming { side.abandon(.restarted, at: now) }
    retireFinished()
  }

  /// Stops cleanly (SIGTERM): migrations leaving are cancelled, halves arriving destroyed.
  public func shutDown(now: Double) {
    for side in migrations where !side.isHandingOff { try? side.cancel(at: now) }
    for side in incoming { side.abandon(.shuttingDown, at: now) }
    retireFinished()
  }
}

extension MigrationOutcome {
  /// Whether the source was left with the `e` flag.
  public var leftErrorFlag: Bool {
    if case .failed(_, let flag) = self { return flag }
    return false
  }
}
