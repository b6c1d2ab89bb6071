/// What a migration carries from one host to the other: a domain's configuration, without the
/// host-specific placement (strands, physical addresses, console port).
public struct DomainConfiguration: Sendable, Equatable {
  public var name: String
  public var state: DomainState
  public var vcpuCount: Int
  public var memorySize: UInt64
  /// Real address and size of each block; the target keeps the real addresses.
  public var blocks: [(realAddress: UInt64, size: UInt64)]
  public var cpuArch: CPUArch
  public var os: SolarisRelease
  public var disks: [VirtualDisk]
  public var networks: [VirtualNetwork]
  public var consoleGroup: String?
  public var ioDevices: [String]
  public var workload: Workload
  public var bootFill: Double
  public var variables: [DomainSnapshot.Variable]
  public var uptime: Double

  public init(
    name: String, state: DomainState, vcpuCount: Int, memorySize: UInt64,
    blocks: [(realAddress: UInt64, size: UInt64)], cpuArch: CPUArch, os: SolarisRelease,
    disks: [VirtualDisk], networks: [VirtualNetwork], consoleGroup: String?, ioDevices: [String],
    workload: Workload, bootFill: Double, variables: [DomainSnapshot.Variable], uptime: Double
  ) {
    self.name = name
    self.state = state
    self.vcpuCount = vcpuCount
    self.memorySize = memorySize
    self.blocks = blocks
    self.cpuArch = cpuArch
    self.os = os
    self.disks = disks
    self.networks = networks
    self.consoleGroup = consoleGroup
    self.ioDevices = ioDevices
    self.workload = workload
    self.bootFill = bootFill
    self.variables = variables
    self.uptime = uptime
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.name == rhs.name && lhs.state == rhs.state && lhs.vcpuCount == rhs.vcpuCount
      && lhs.memorySize == rhs.memorySize
      && lhs.blocks.map(\.realAddress) == rhs.blocks.map(\.realAddress)
      && lhs.blocks.map(\.size) == rhs.blocks.map(\.size) && lhs.cpuArch == rhs.cpuArch
      && lhs.os == rhs.os && lhs.disks == rhs.disks && lhs.networks == rhs.networks
      && lhs.consoleGroup == rhs.consoleGroup && lhs.ioDevices == rhs.ioDevices
      && lhs.workload == rhs.workload && lhs.variables == rhs.variables
  }
}

extension Domain {
  /// The configuration a migration sends to the target.
  public var configuration: DomainConfiguration {
    DomainConfiguration(
      name: name, state: state, vcpuCount: vcpuCount, memorySize: memorySize,
      blocks: memoryBlocks.map { ($0.realAddress, $0.size) }, cpuArch: cpuArch, os: os,
      disks: disks, networks: networks, consoleGroup: consoleGroup, ioDevices: ioDevices,
      workload: workload, bootFill: bootFill,
      variables: variables.map { .init(name: $0.name, value: $0.value) }, uptime: uptime)
  }
}

/// The parts of a host that the migration engine drives.
extension Host {
  /// Phase 2: creates the domain that will receive a migration, held `bound` with the `t`
  /// flag, its strands, memory blocks (same real addresses, any free physical ranges) and a
  /// console port reserved. A cold migration of an inactive domain reserves nothing.
  /// All or nothing.
  @discardableResult
  public func createMigrationTarget(_ configuration: DomainConfiguration, named name: String)
    throws -> Domain
  {
    try requireValidName(name)
    guard domain(named: name) == nil else {
      throw HypervisorError("Domain \(name) already exists on the target machine")
    }
    let domain = Domain(
      name: name, vcpuCount: configuration.vcpuCount, memorySize: configuration.memorySize,
      cpuArch: configuration.cpuArch, os: configuration.os, ioDevices: configuration.ioDevices,
      workload: configuration.workload, bootFill: configuration.bootFill,
      variables: configuration.variables.map { ($0.name, $0.value) })
    domain.disks = configuration.disks
    domain.networks = configuration.networks
    domain.consoleGroup = configuration.consoleGroup
    domain.requestedBlockSizes = configuration.blocks.map(\.size)
    domain.migrationRole = .target
    if configuration.state.holdsResources {
      let free = freeStrandCount
      guard free >= configuration.vcpuCount else {
        throw HypervisorError(
          "Not enough free VCPUs on the target machine: \(configuration.vcpuCount) required,"
            + " \(free) available")
      }
      var memory = physicalMemory
      guard
        let blocks = place(
          sizes: configuration.blocks.map(\.size),
          realAddresses: configuration.blocks.map(\.realAddress), in: &memory)
      else {
        let failing = physicalMemory.firstUnplaceable(configuration.blocks.map(\.size)) ?? 0
        let block = configuration.blocks[failing]
        throw HypervisorError(
          "Unable to bind \(ByteSize.format(block.size)) memory region at real address"
            + " \(hexAddress(block.realAddress))")
      }
      var concentrators = consoleConcentrators
      var port: Int?
      if !concentrators.isEmpty {
        guard let index = concentrators.firstIndex(where: { $0.freePortCount > 0 }) else {
          throw HypervisorError(
            "No free port in virtual console concentrator \(concentrators[0].name) on the"
              + " target machine")
        }
        port = concentrators[index].assignPort(to: name)
      }
      physicalMemory = memory
      consoleConcentrators = concentrators
      domain.strands = takeStrands(configuration.vcpuCount, for: name)
      domain.memoryBlocks = blocks
      domain.memory = GuestMemory(byteCount: configuration.memorySize)
      domain.consolePort = port
      domain.state = .bound
    }
    domains.append(domain)
    refreshServiceFlags()
    return domain
  }

  /// Destroys a domain whatever its state, returning every resource it held: how a cancelled
  /// migration's target and a handed-off source disappear.
  public func destroyDomain(_ name: String) throws {
    let domain = try existingDomain(name)
    releaseResources(of: domain)
    domain.migrationRole = nil
    domains.removeAll { $0 === domain }
  }

  /// Phase 5 on the target: the domain takes over in the state the source was in.
  public func completeMigrationTarget(_ name: String, state: DomainState, uptime: Double) throws {
    let domain = try existingDomain(name)
    precondition(domain.migrationRole == .target, "only a migration target completes")
    domain.migrationRole = nil
    domain.uptime = uptime
    if state == .active || state == .suspended {
      domain.state = .active
      domain.memory?.dirty.clearAll()
    } else {
      domain.state = domain.state.holdsResources ? .bound : .inactive
    }
  }
}
