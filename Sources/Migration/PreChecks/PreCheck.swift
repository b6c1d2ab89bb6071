import Hypervisor

/// One requirement the source verifies before it creates anything on the target (phase 1).
public enum PreCheck: String, Sendable, Equatable, CaseIterable, Codable {
  case targetReachable = "target-reachable"
  case authentication
  case software
  case domainState = "domain-state"
  case targetName = "target-name"
  case directIO = "direct-io"
  case cpus
  case cpuType = "cpu-type"
  case memory
  case virtualDisks = "virtual-disks"
  case virtualServices = "virtual-services"
  case consolePort = "console-port"

  /// The check's name in the log.
  public var title: String {
    switch self {
    case .targetReachable: "target reachable"
    case .authentication: "authentication"
    case .software: "software"
    case .domainState: "domain state"
    case .targetName: "target name"
    case .directIO: "direct I/O"
    case .cpus: "CPUs"
    case .cpuType: "CPU type"
    case .memory: "memory"
    case .virtualDisks: "virtual disks"
    case .virtualServices: "virtual services"
    case .consolePort: "console port"
    }
  }
}

/// The verdict of one pre-check: what was found, and the failure lines if it failed.
public struct PreCheckResult: Sendable, Equatable {
  public var check: PreCheck
  /// What was verified, for the log (`1G at RA 0x8000000 fits PA 0x400000000`).
  public var detail: String
  /// One line per problem, each naming the resource and both values; empty when it passed.
  public var failures: [String]

  public var passed: Bool { failures.isEmpty }

  public init(_ check: PreCheck, detail: String, failures: [String] = []) {
    self.check = check
    self.detail = detail
    self.failures = failures
  }
}
