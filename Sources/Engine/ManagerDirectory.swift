import Hypervisor
import Migration

/// The managers a shell runs commands on: every host's in one process (``Datacenter``), or a
/// daemon's own. An `ldm` command line acts through this only, so the same shell serves the
/// console, the run mode and `ldmd`.
public protocol ManagerDirectory: AnyObject {
  func manager(named name: String) -> HostManager?
  /// `ldm migrate` on `request.sourceHost`.
  func startMigration(_ request: MigrationRequest) throws(HypervisorError) -> MigrationID
  /// `ldm cancel-operation migration DOMAIN` on `host`.
  func cancelMigration(of domain: String, on host: String) throws(HypervisorError)
    -> HostManager.Cancellation
  /// A migration (or dry run) started here, under way or recently finished.
  func migration(_ id: MigrationID) -> SourceSide?
  func snapshot() -> DatacenterSnapshot
}

extension ManagerDirectory {
  public func host(named name: String) -> Host? {
    manager(named: name)?.host
  }
}

extension Datacenter: ManagerDirectory {}
