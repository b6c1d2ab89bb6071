import DequeModule
import Hypervisor
import Migration

/// The hosts of a scenario in one process: a manager per host, the in-process link between
/// them, and the engine's clock, advanced in slices. Migrations go from one manager to another
/// over the link; nothing else connects them.
///
/// Owned by one thread (the run mode's, a test's, or the console's engine thread); others see
/// it through ``snapshot()`` and events.
public final class Datacenter {
  public let managers: [HostManager]
  public let link: InProcessLink
  public var settings: EngineSettings {
    didSet {
      link.bytesPerSecond = settings.link.bytesPerSecond
      link.latency = settings.link.latency
      for manager in managers { manager.settings = settings }
    }
  }
  /// Seconds on the engine's clock since the datacenter started.
  public private(set) var now: Double = 0
  /// Recent events, oldest first; bounded.
  public private(set) var recentEvents: Deque<MigrationEvent> = []
  /// Called with every event as it happens, in time order (`--events FILE`).
  public var eventSink: ((MigrationEvent) -> Void)?

  var armedFaults: [ArmedFault] = []
  var nextID = 1
  /// Events of the slice being run, recorded in time order when it ends.
  var sliceEvents: [MigrationEvent]?
  var isExchanging = false

  /// Slices are at most this long, so cancel, faults and speed changes act promptly.
  public static let slice = 0.05
  /// Slices in presenter mode: short, so stopping a migration at a phase change costs it at
  /// most this much time.
  public static let presenterSlice = 0.002
  public static let eventLimit = 1000

  public init(scenario: Scenario, settings: EngineSettings? = nil, populateMemory: Bool = true)
    throws(YAMLPathError)
  {
    let hosts = try scenario.buildHosts(populateMemory: populateMemory)
    let settings = settings ?? EngineSettings(scenario.migration)
    self.settings = settings
    link = InProcessLink(
      bytesPerSecond: settings.link.bytesPerSecond, latency: settings.link.latency)
    var managers: [HostManager] = []
    weak var world: Datacenter?
    for host in hosts {
      managers.append(
        HostManager(
          host: host, settings: settings,
          connect: { target in world?.connect(from: host.name, to: target) },
          emit: { event in world?.record(event) }))
    }
    self.managers = managers
    world = self
    for manager in managers {
      manager.onPhaseFinished = { [unowned self] migration, phase, time in
        self.fireFaults(armedAfter: phase, on: migration, at: time)
      }
    }
  }

  public var hosts: [Host] { managers.map(\.host) }

  public func host(named name: String) -> Host? {
    manager(named: name)?.host
  }

  public func manager(named name: String) -> HostManager? {
    managers.first { $0.host.name == name }
  }

  /// Migrations under way, in start order.
  public var running: [SourceSide] {
    managers.flatMap(\.migrations).sorted { $0.id < $1.id }
  }

  /// Recently finished migrations, oldest first.
  public var finished: [SourceSide] {
    managers.flatMap(\.finished).sorted { $0.id < $1.id }
  }

  public func migration(_ id: MigrationID) -> SourceSide? {
    for manager in managers {
      if let found = manager.migrations.first(where: { $0.id == id })
        ?? manager.finished.first(where: { $0.id == id })
        ?? manager.dryRuns.first(where: { $0.id == id })
      {
        return found
      }
    }
    return nil
  }

  /// The migration under way that involves `domain` on `host`, from either side.
  public func activeMigration(of domain: String, on host: String) -> SourceSide? {
    running.first {
      ($0.sourceHostName == host && $0.domainName == domain)
        || ($0.targetHostName == host && $0.targetName == domain && $0.phase >= .targetCreation)
    }
  }

  func connect(from source: String, to target: String) -> MigrationChannel? {
    guard let destination = manager(named: target) else { return nil }
    let (mine, theirs) = link.connect(from: source, to: target)
    destination.accept(theirs, now: now)
    return mine
  }

  func record(_ event: MigrationEvent) {
    if sliceEvents != nil {
      sliceEvents!.append(event)
      return
    }
    recentEvents.append(event)
    if recentEvents.count > Self.eventLimit { recentEvents.removeFirst() }
    eventSink?(event)
  }

  /// Whether time matters to anything but the guests: nothing migrates, nothing is on the
  /// wire, so time can pass in one step.
  public var isIdle: Bool {
    !managers.contains(where: \.isBusy) && !link.isBusy
  }

  // MARK: Time

  /// Lets `seconds` pass: guests run, migrations move, faults fire.
  public func advance(by seconds: Double) {
    let end = now + seconds
    while end - now > 1e-9 {
      if isIdle {
        idle(until: min(end, nextFaultDue ?? end))
      } else {
        runSlice(min(Self.slice, end - now))
      }
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
    for manager in managers { manager.holdsAtPhaseChanges = stoppingAtPhaseChanges }
    defer {
      for manager in managers {
        manager.holdsAtPhaseChanges = false
        for side in manager.migrations { side.holdsAtPhaseChange = false }
        manager.releaseHeld()
      }
    }
    for side in running { side.holdsAtPhaseChange = stoppingAtPhaseChanges }
    while !done() {
      // A remainder below a microsecond would not move `now` at all in floating point.
      guard deadline - now > 1e-6 else { return false }
      if isIdle {
        // Nothing but the guests moves until a fault fires: `done` cannot change sooner.
        idle(until: min(deadline, nextFaultDue ?? deadline))
      } else {
        runSlice(min(slice, deadline - now))
      }
    }
    if stoppingAtPhaseChanges {
      // What a held migration sent as it entered its phase (the target's creation, the
      // suspension) reaches the other side, so the stop shows the phase begun on both.
      runSlice(2 * link.latency + 1e-4, releasingHeld: false)
    }
    return true
  }

  /// Guests run until `end` in one step; a fault due then fires.
  func idle(until end: Double) {
    let seconds = end - now
    for host in hosts { host.advance(seconds: seconds) }
    now = end
    fireTimedFaults(upTo: end)
  }

  func runSlice(_ seconds: Double, releasingHeld: Bool = true) {
    let end = now + seconds
    for host in hosts { host.advance(seconds: seconds) }
    fireTimedFaults(upTo: end)
    if releasingHeld {
      for manager in managers { manager.releaseHeld() }
    }
    sliceEvents = []
    exchange(until: end)
    let events = sliceEvents ?? []
    sliceEvents = nil
    // In time order; what happened at the same time stays in the order it was reported.
    for (_, event) in events.enumerated().sorted(by: {
      ($0.element.time, $0.offset) < ($1.element.time, $1.offset)
    }) {
      record(event)
    }
    now = end
  }

  /// Lets the managers talk until nothing more happens by `end`: each round every side acts
  /// on what arrived and the link moves what was sent.
  func exchange(until end: Double) {
    // A fault fired from inside a side's step (after a phase) is noticed by the rounds
    // already under way; stepping the sides again from within would re-enter them.
    guard !isExchanging else { return }
    isExchanging = true
    defer { isExchanging = false }
    for _ in 0..<10_000_000 {
      var progress = false
      for manager in managers { progress = manager.step(until: end) || progress }
      progress = link.pump(until: end) || progress
      if !progress { return }
    }
  }

  /// Lets the sides react now to something a command or a fault did, without time passing.
  func settle() {
    let buffered = sliceEvents != nil
    if !buffered { sliceEvents = [] }
    exchange(until: now)
    if !buffered {
      let events = sliceEvents ?? []
      sliceEvents = nil
      for event in events { record(event) }
    }
  }

  // MARK: Commands

  /// Starts a migration (or a dry run) on its source's manager. Its pre-checks are answered
  /// over the link and announced over time; a failing one ends it. Watch it with
  /// ``migration(_:)``.
  public func startMigration(_ request: MigrationRequest) throws(HypervisorError) -> MigrationID {
    guard let source = manager(named: request.sourceHost) else {
      throw HypervisorError("Unknown host \(request.sourceHost)")
    }
    let id = MigrationID(nextID)
    nextID += 1
    _ = source.startMigration(request, id: id, now: now)
    return id
  }

  /// `ldm cancel-operation migration DOMAIN` run on `hostName`.
  @discardableResult
  public func cancelMigration(of domain: String, on hostName: String) throws(HypervisorError)
    -> HostManager.Cancellation
  {
    guard let manager = manager(named: hostName) else {
      throw HypervisorError("Unknown host \(hostName)")
    }
    let result = try manager.cancel(domain, now: now)
    settle()
    return result
  }

  // MARK: Snapshots

  public func snapshot() -> DatacenterSnapshot {
    DatacenterSnapshot(
      time: now, hosts: hosts.map { $0.snapshot() },
      migrations: (finished + running).map { $0.snapshot() },
      incoming: managers.flatMap { manager in
        manager.incoming.compactMap { $0.snapshot() }
      },
      settings: settings, armedFaults: armedFaults.map(\.description))
  }

  /// Problems with either host's books, for invariant checks.
  public func accountingProblems() -> [String] {
    hosts.flatMap { $0.accountingProblems() }
  }
}
