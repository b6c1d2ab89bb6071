import Hypervisor

/// The checks the source answers itself, from its own domain.
public enum SourceChecks {
  /// The domain may migrate: it exists, is not the control domain, is not migrating already.
  public static func state(of domain: Domain) -> PreCheckResult {
    if domain.migrationRole != nil {
      return PreCheckResult(
        .domainState, .domainState(domain.state, live: domain.state == .active),
        failures: [.alreadyMigrating(domain: domain.name)])
    }
    if domain.isControl {
      return PreCheckResult(
        .domainState, .controlDomain, failures: [.controlDomain(domain: domain.name)])
    }
    return PreCheckResult(.domainState, .domainState(domain.state, live: domain.state == .active))
  }

  public static func missing(_ name: String) -> PreCheckResult {
    PreCheckResult(
      .domainState, .domainMissing(name: name), failures: [.domainNotFound(name: name)])
  }

  public static func directIO(_ domain: Domain) -> PreCheckResult {
    guard domain.ioDevices.isEmpty else {
      return PreCheckResult(
        .directIO, .directIO(devices: domain.ioDevices),
        failures: [.directIO(domain: domain.name, devices: domain.ioDevices)])
    }
    return PreCheckResult(.directIO, .noDirectIO)
  }

  /// Puts the source's and the destination's results in the order the checks are announced.
  public static func merged(local: [PreCheckResult], remote: [PreCheckResult]) -> [PreCheckResult] {
    (local + remote).sorted {
      PreCheck.allCases.firstIndex(of: $0.check)! < PreCheck.allCases.firstIndex(of: $1.check)!
    }
  }
}
