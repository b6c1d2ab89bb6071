import Hypervisor

/// One requirement verified before anything is created on the target (phase 1), in the order
/// the checks are announced and a dry run lists them.
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

  /// Which side can answer the check: the source knows its domain, only the destination
  /// knows the target host.
  public var answeredByDestination: Bool {
    switch self {
    case .targetReachable, .authentication, .domainState, .directIO: false
    case .software, .targetName, .cpus, .cpuType, .memory, .virtualDisks, .virtualServices,
      .consolePort:
      true
    }
  }
}

/// Which machine a finding is about.
public enum MachineSide: String, Sendable, Equatable, Codable {
  case source
  case target
}

/// What a check found, as facts; LdmCommands words them.
public enum PreCheckFinding: Sendable, Equatable, Codable {
  /// The target's ldmd answered.
  case targetAnswered(host: String)
  case targetUnreachable(host: String)
  case authenticated(user: String, host: String)
  case managers(
    source: ManagerVersion, target: ManagerVersion, sourceHost: String, targetHost: String)
  case domainState(DomainState, live: Bool)
  case controlDomain
  case domainMissing(name: String)
  case nameFree(name: String, host: String)
  case nameTaken(name: String)
  case noDirectIO
  case directIO(devices: [String])
  case cpus(required: Int, free: Int, host: String)
  case sameCPU(type: String)
  case nativeSolaris10
  case crossCPU(sourceType: String, targetType: String, arch: CPUArch)
  /// Every block placed: its size, real address and the physical address it would take.
  case memoryPlaced([MemoryPlacement])
  case memoryShort(needed: UInt64, free: UInt64, ranges: Int)
  /// `volume@service` of each disk; empty when the domain has none.
  case disks([String])
  case services([String])
  case consolePorts(free: Int, concentrator: String)
  case noConsoleConcentrator
  case consoleConcentratorFull(String)
}

/// Where one memory block of the domain would go on the target.
public struct MemoryPlacement: Sendable, Equatable, Codable {
  public var size: UInt64
  public var realAddress: UInt64
  public var physicalAddress: UInt64

  public init(size: UInt64, realAddress: UInt64, physicalAddress: UInt64) {
    self.size = size
    self.realAddress = realAddress
    self.physicalAddress = physicalAddress
  }
}

/// Why a check failed: one value per line ldm prints, with the resource and both values.
public enum PreCheckFailure: Sendable, Equatable, Codable {
  case unreachable(host: String)
  case targetIsSource(host: String)
  case authenticationFailed(user: String, host: String)
  case managerTooOld(
    side: MachineSide, host: String, version: ManagerVersion, required: ManagerVersion)
  case domainNotFound(name: String)
  case alreadyMigrating(domain: String)
  case controlDomain(domain: String)
  case nameTaken(name: String)
  case directIO(domain: String, devices: [String])
  case notEnoughCPUs(required: Int, available: Int)
  case cpuTypeMismatch(target: String, source: String)
  case stickFrequencyMismatch(target: UInt64, source: UInt64)
  case crossCPUProcessor(host: String, type: String)
  case crossCPUGuestOS(domain: String, os: SolarisRelease)
  case crossCPUManager(required: ManagerVersion)
  /// Not an error, a warning that `-f` silences: a move to another processor type.
  case crossCPUNeedsForce(domain: String, sourceType: String, targetType: String, arch: CPUArch)
  case memoryRegion(size: UInt64, realAddress: UInt64)
  case diskServiceMissing(service: String)
  case volumeMissing(reference: String)
  case switchMissing(name: String)
  case consoleGroupWithoutConcentrator(domain: String, group: String)
  case noFreeConsolePort(concentrator: String)
}

/// The verdict of one pre-check: what was found, and every problem if it failed.
public struct PreCheckResult: Sendable, Equatable, Codable {
  public var check: PreCheck
  public var finding: PreCheckFinding
  public var failures: [PreCheckFailure]

  public var passed: Bool { failures.isEmpty }

  public init(_ check: PreCheck, _ finding: PreCheckFinding, failures: [PreCheckFailure] = []) {
    self.check = check
    self.finding = finding
    self.failures = failures
  }
}
