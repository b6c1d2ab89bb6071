import DequeModule
import Hypervisor

/// The two hypervisors, the link between them and the migrations under way: the whole
/// simulated world, advanced in slices of simulated time.
///
/// Owned by one thread (the run mode's, a test's, or the console's engine thread); others see
/// it through ``snapshot()`` and events.
public final class Datacenter {
  public let hosts: [Host]
  public var settings: EngineSettings
  /// Simulated seconds since the datacenter started.
  public private(set) var now: Double = 0
  /// Migrations under way, in start order.
  public private(set) var running: [Migration] = []
  /// Finished migrations, newest last; bounded so a long soak does not grow.
  public private(set) var finished: Deque<Migration> = []
  /// Recent events, oldest first; bounded.
  public private(set) var recentEvents: Deque<MigrationEvent> = []
  /// Called with every event as it happens (`--events FILE`).
  public var eventSink: ((MigrationEvent) -> Void)?

  var armedFaults: [ArmedFault] = []
  var nextID = 1

  /// Slices are at most this long, so cancel, faults and speed changes act promptly.
  public static let slice = 0.05
  /// Slices in presenter mode: short, so stopping a migration at a phase change costs it at
  /// most this much simulated time.
  public static let presenterSlice = 0.002
  public static let finishedLimit = 32
  public static let eventLimit = 1000

  public init(scenario: Scenario, settings: EngineSettings? = nil, populateMemory: Bool = true)
    throws(YAMLPathError)
  {
    hosts = try scenario.buildHosts(populateMemory: populateMemory)
    self.settings = settings ?? EngineSettings(scenario.migration)
  }

  public func host(named name: String) -> Host? {
    hosts.first { $0.name == name }
  }

  public func migration(_ id: MigrationID) -> Migration? {
    running.first { $0.id == id } ?? finished.first { $0.id == id }
  }

  /// The migration under way that involves `domain` on `host`, from either side.
  public func activeMigration(of domain: String, on host: String) -> Migration? {
    running.first {
      ($0.sourceHostName == host && $0.domainName == domain)
        || ($0.targetHostName == host && $0.targetName == domain && $0.targetDomain != nil)
    }
  }

  // MARK: Time

  /// Lets `seconds` of simulated time pass: guests run, migrations move, faults fire.
  public func advance(by seconds: Double) {
    var left = seconds
    while left > 1e-6 {
      let step = min(Self.slice, left)
      runSlice(step)
      left -= step
    }
  }

  /// Advances until `done` holds, at most `limit` seconds; returns whether it held.
  ///
  /// With `stoppingAtPhaseChanges` (presenter mode) a migration that enters a new phase
  /// stands still for the rest of its slice, and slices are short, so `done` sees every phase
  /// however briefly it lasts.
  @discardableResult
  public func advance(
    until done: () -> Bool, limit: Double = 86_400, stoppingAtPhaseChanges: Bool = false
  ) -> Bool {
    let deadline = now + limit
    let slice = stoppingAtPhaseChanges ? Self.presenterSlice : Self.slice
    while !done() {
      // A remainder below a microsecond would not move `now` at all in floating point.
      guard deadline - now > 1e-6 else { return false }
      runSlice(min(slice, deadline - now), stoppingAtPhaseChanges: stoppingAtPhaseChanges)
    }
    return true
  }

  func runSlice(_ seconds: Double, stoppingAtPhaseChanges: Bool = false) {
    let start = now
    let end = now + seconds
    for host in hosts { host.advance(seconds: seconds) }
    fireTimedFaults(upTo: end)
    let transferring = running.filter { $0.phase == .stateTransfer || $0.phase == .suspension }
    let share = settings.link.bytesPerSecond.map { $0 / Double(max(transferring.count, 1)) }
    for migration in running {
      migration.step(
        from: start, to: end, bandwidth: share, latency: settings.link.latency,
        settings: settings, stopAtPhaseChange: stoppingAtPhaseChanges, emit: record)
    }
    now = end
    retireFinished()
  }

  func retireFinished() {
    guard running.contains(where: \.isFinished) else { return }
    for migration in running where migration.isFinished {
      finished.append(migration)
      if finished.count > Self.finishedLimit { finished.removeFirst() }
    }
    running.removeAll(where: \.isFinished)
  }

  func record(_ event: MigrationEvent) {
    recentEvents.append(event)
    if recentEvents.count > Self.eventLimit { recentEvents.removeFirst() }
    eventSink?(event)
  }

  // MARK: Commands

  /// The pre-checks of a request, evaluated now, changing nothing (`ldm migrate -n`).
  public func dryRun(_ request: MigrationRequest) throws(HypervisorError) -> [PreCheckResult] {
    guard let source = host(named: request.sourceHost) else {
      throw HypervisorError("Unknown host \(request.sourceHost)")
    }
    return PreCheckEvaluator.evaluate(
      request, source: source, target: host(named: request.targetHost))
  }

  /// Starts a migration in phase 1. Its pre-checks are announced over simulated time and a
  /// failing one ends it; watch it with ``migration(_:)``.
  public func startMigration(_ request: MigrationRequest) throws(HypervisorError) -> MigrationID {
    guard let source = host(named: request.sourceHost) else {
      throw HypervisorError("Unknown host \(request.sourceHost)")
    }
    let target = host(named: request.targetHost)
    let checks = PreCheckEvaluator.evaluate(request, source: source, target: target)
    let id = MigrationID(nextID)
    nextID += 1
    let migration = Migration(
      id: id, request: request, source: source, target: target, checks: checks, now: now)
    migration.phaseHook = { [unowned self] migration, finishedPhase, time in
      self.fireFaults(armedAfter: finishedPhase, on: migration, at: time)
    }
    running.append(migration)
    record(
      MigrationEvent(
        time: now, migration: id, domain: request.domain, kind: .started, phase: .preChecks,
        message: "ldm migrate \(request.domain) \(request.user)@\(request.targetHost)"
          + (request.targetName == request.domain ? "" : ":\(request.targetName)")
          + " started on \(request.sourceHost)"))
    return id
  }

  /// `ldm cancel-operation migration DOMAIN` run on `hostName`.
  public func cancelMigration(of domain: String, on hostName: String) throws(HypervisorError) {
    guard let host = host(named: hostName) else {
      throw HypervisorError("Unknown host \(hostName)")
    }
    if let migration = running.first(where: {
      $0.targetHostName == hostName && $0.targetName == domain
    }), migration.sourceHostName != hostName {
      throw HypervisorError(
        "Migration of domain \(domain) can only be cancelled from the source machine")
    }
    if let migration = running.first(where: {
      $0.sourceHostName == hostName && $0.domainName == domain
    }) {
      guard !migration.isHandingOff else {
        throw HypervisorError(
          "Migration of domain \(domain) is in hand-off and can no longer be cancelled")
      }
      migration.cancel(at: now, emit: record)
      retireFinished()
      return
    }
    guard let subject = host.domain(named: domain) else {
      throw HypervisorError("Domain \(domain) not found")
    }
    if subject.migrationRole == .error {
      // The error left by a link failure during hand-off: restore the source.
      subject.setMigrationRole(nil)
      subject.setSuspended(false)
      subject.setThrottle(0)
      record(
        MigrationEvent(
          time: now, migration: MigrationID(0), domain: domain, kind: .resumed,
          message: "migration error cleared; \(domain) resumed on \(hostName)"))
      return
    }
    throw HypervisorError("No migration of domain \(domain) is in progress")
  }

  // MARK: Snapshots

  public func snapshot() -> DatacenterSnapshot {
    DatacenterSnapshot(
      time: now, hosts: hosts.map { $0.snapshot() },
      // Not `Array(finished)`: copying an empty Deque into an array writes a zero count into
      // the runtime's shared empty-array storage, a race ThreadSanitizer reports between
      // threads that each snapshot their own datacenter.
      migrations: finished.map { $0.snapshot() } + running.map { $0.snapshot() },
      settings: settings, armedFaults: armedFaults.map(\.description))
  }

  /// Problems with either host's books, or a migration's, for invariant checks.
  public func accountingProblems() -> [String] {
    hosts.flatMap { $0.accountingProblems() }
  }
}
