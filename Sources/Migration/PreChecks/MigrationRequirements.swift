import Hypervisor

/// What the domain needs of the target, sent by the source as its pre-check question: the
/// destination answers from its own host and never sees the source's.
public struct MigrationRequirements: Sendable, Equatable {
  public var domain: String
  public var targetName: String
  /// Active (live), bound or inactive (cold); inactive domains hold no resources to reserve.
  public var state: DomainState
  public var vcpuCount: Int
  public var memorySize: UInt64
  public var blocks: [MemoryBlockRequest]
  public var cpuArch: CPUArch
  public var os: SolarisRelease
  /// `volume@service` of each virtual disk.
  public var disks: [DiskReference]
  /// Names of the virtual switches its networks attach to, each once.
  public var switches: [String]
  public var consoleGroup: String?
  public var sourceCPU: SourceProcessor
  public var sourceManager: ManagerVersion
  /// `-f`: proceed past the cross-CPU warning.
  public var force: Bool

  public init(
    domain: String, targetName: String, state: DomainState, vcpuCount: Int, memorySize: UInt64,
    blocks: [MemoryBlockRequest], cpuArch: CPUArch, os: SolarisRelease, disks: [DiskReference],
    switches: [String], consoleGroup: String?, sourceCPU: SourceProcessor,
    sourceManager: ManagerVersion, force: Bool
  ) {
    self.domain = domain
    self.targetName = targetName
    self.state = state
    self.vcpuCount = vcpuCount
    self.memorySize = memorySize
    self.blocks = blocks
    self.cpuArch = cpuArch
    self.os = os
    self.disks = disks
    self.switches = switches
    self.consoleGroup = consoleGroup
    self.sourceCPU = sourceCPU
    self.sourceManager = sourceManager
    self.force = force
  }

  /// The question for migrating `domain` of `host` under `targetName`.
  public init(domain: Domain, on host: Host, targetName: String, force: Bool) {
    var switches: [String] = []
    for network in domain.networks where !switches.contains(network.switchName) {
      switches.append(network.switchName)
    }
    self.init(
      domain: domain.name, targetName: targetName, state: domain.state,
      vcpuCount: domain.vcpuCount, memorySize: domain.memorySize,
      blocks: domain.memoryBlocks.map {
        MemoryBlockRequest(realAddress: $0.realAddress, size: $0.size)
      },
      cpuArch: domain.cpuArch, os: domain.os,
      disks: domain.disks.map { DiskReference(volume: $0.volume, service: $0.service) },
      switches: switches, consoleGroup: domain.consoleGroup,
      sourceCPU: SourceProcessor(host.cpu, host: host.name), sourceManager: host.managerVersion,
      force: force)
  }
}

/// A memory block by its real address, which the target must keep.
public struct MemoryBlockRequest: Sendable, Equatable {
  public var realAddress: UInt64
  public var size: UInt64

  public init(realAddress: UInt64, size: UInt64) {
    self.realAddress = realAddress
    self.size = size
  }
}

/// A virtual disk's back end by name, `volume@service`.
public struct DiskReference: Sendable, Equatable {
  public var volume: String
  public var service: String

  public init(volume: String, service: String) {
    self.volume = volume
    self.service = service
  }

  public var reference: String { "\(volume)@\(service)" }
}

/// The source's processor, as the CPU-type check compares it.
public struct SourceProcessor: Sendable, Equatable {
  public var host: String
  public var type: String
  public var stickFrequency: UInt64

  public init(host: String, type: String, stickFrequency: UInt64) {
    self.host = host
    self.type = type
    self.stickFrequency = stickFrequency
  }

  init(_ cpu: HostCPU, host: String = "") {
    self.init(host: host, type: cpu.type, stickFrequency: cpu.stickFrequency)
  }

  /// Whether the processor is UltraSPARC T2+ or newer.
  public var supportsCrossCPUMigration: Bool {
    HostCPU(type: type, mhz: 0, stickFrequency: stickFrequency, strands: 0, strandsPerChip: 0)
      .supportsCrossCPUMigration
  }
}
