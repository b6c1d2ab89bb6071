import DequeModule
import Engine
import Hypervisor
import Migration

/// A daemon's managers: its own host's only. Migrations it starts are numbered apart from
/// other daemons' (the host's place in the scenario picks the range), so a console watching
/// several daemons tells them apart.
public final class DaemonWorld: ManagerDirectory {
  public let manager: HostManager
  public var settings: EngineSettings
  /// Wall-clock seconds (Unix time): the daemon's engine time.
  public internal(set) var now: Double
  var nextID: Int
  public private(set) var events: Deque<(sequence: Int, event: MigrationEvent)> = []
  var nextSequence = 1
  public static let eventLimit = 1000

  init(manager: HostManager, settings: EngineSettings, firstID: Int, now: Double) {
    self.manager = manager
    self.settings = settings
    nextID = firstID
    self.now = now
  }

  public func manager(named name: String) -> HostManager? {
    name == manager.host.name ? manager : nil
  }

  public func startMigration(_ request: MigrationRequest) throws(HypervisorError)
    -> MigrationID
  {
    guard request.sourceHost == manager.host.name else {
      throw HypervisorError("Unknown host \(request.sourceHost)")
    }
    let id = MigrationID(nextID)
    nextID += 1
    _ = manager.startMigration(request, id: id, now: now)
    return id
  }

  public func cancelMigration(of domain: String, on host: String) throws(HypervisorError)
    -> HostManager.Cancellation
  {
    guard host == manager.host.name else { throw HypervisorError("Unknown host \(host)") }
    return try manager.cancel(domain, now: now)
  }

  public func migration(_ id: MigrationID) -> SourceSide? {
    manager.migrations.first { $0.id == id } ?? manager.finished.first { $0.id == id }
      ?? manager.dryRuns.first { $0.id == id }
  }

  public func snapshot() -> DatacenterSnapshot {
    DatacenterSnapshot(
      time: now, hosts: [manager.host.snapshot()],
      migrations: (manager.finished + manager.migrations).map { $0.snapshot() },
      incoming: manager.incoming.compactMap { $0.snapshot() }, settings: settings,
      armedFaults: [])
  }

  func record(_ event: MigrationEvent) {
    events.append((nextSequence, event))
    nextSequence += 1
    if events.count > Self.eventLimit { events.removeFirst() }
  }
}
