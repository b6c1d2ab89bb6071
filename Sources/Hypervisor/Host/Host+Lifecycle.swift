/// The domain lifecycle: inactive ⇄ bound ⇄ active, and configuration changes.
extension Host {
  /// Creates an inactive domain with no resources (`ldm add-domain`).
  @discardableResult
  public func addDomain(
    _ name: String, vcpus: Int = 0, memory: UInt64 = 0, isControl: Bool = false,
    cpuArch: CPUArch = .native, os: SolarisRelease = .solaris11, workload: Workload = .idle,
    bootFill: Double = 0.02, ioDevices: [String] = [], consoleGroup: String? = nil
  ) throws -> Domain {
    try requireValidName(name)
    guard domain(named: name) == nil else {
      throw HypervisorError("Domain \(name) already exists")
    }
    let domain = Domain(
      name: name, isControl: isControl, vcpuCount: vcpus, memorySize: memory, cpuArch: cpuArch,
      os: os, ioDevices: ioDevices, workload: workload, bootFill: bootFill)
    domain.consoleGroup = consoleGroup
    domains.append(domain)
    refreshServiceFlags()
    return domain
  }

  /// Removes an inactive domain (`ldm remove-domain`).
  public func removeDomain(_ name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard !domain.isControl else {
      throw HypervisorError("The control domain \(name) cannot be removed")
    }
    guard domain.state == .inactive else {
      throw HypervisorError(
        "Domain \(name) is \(domain.state.rawValue); it must be inactive to be removed")
    }
    domains.removeAll { $0 === domain }
  }

  /// Sets the number of virtual CPUs (`ldm set-vcpu`). A bound or active domain gets or gives
  /// back strands at once.
  public func setVCPUs(_ count: Int, of name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard count >= 1 else { throw HypervisorError("The number of VCPUs must be at least 1") }
    if domain.state.holdsResources {
      let extra = count - domain.vcpuCount
      if extra > 0 {
        let free = freeStrandCount
        guard free >= extra else {
          throw HypervisorError(
            "Not enough free VCPUs on \(self.name): \(extra) more required, \(free) available")
        }
        domain.strands += takeStrands(extra, for: domain.name)
      } else if extra < 0 {
        let given = domain.strands.suffix(-extra)
        for strand in given { strandOwners[strand] = nil }
        domain.strands.removeLast(-extra)
      }
    }
    domain.vcpuCount = count
  }

  /// Sets the memory size (`ldm set-memory`); only while inactive (this model has no memory
  /// dynamic reconfiguration).
  public func setMemory(_ size: UInt64, of name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard size > 0, size % PhysicalMemory.granule == 0 else {
      throw HypervisorError("Memory size must be a positive multiple of 4M")
    }
    guard domain.state == .inactive else {
      throw HypervisorError(
        "Domain \(name) is \(domain.state.rawValue); its memory can only be changed while"
          + " inactive")
    }
    domain.memorySize = size
    domain.requestedBlockSizes = nil
  }

  /// Sets `cpu-arch` (`ldm set-domain cpu-arch=…`); only while bound or inactive.
  public func setCPUArch(_ arch: CPUArch, of name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard domain.state == .bound || domain.state == .inactive else {
      throw HypervisorError(
        "Domain \(name) is \(domain.state.rawValue); cpu-arch can only be set while the domain"
          + " is bound or inactive")
    }
    domain.cpuArch = arch
  }

  /// Binds resources to an inactive domain (`ldm bind-domain`): strands, physical memory for
  /// each block, a console port. All or nothing.
  public func bind(_ name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard domain.state == .inactive else {
      throw HypervisorError("Domain \(name) is already bound")
    }
    guard domain.vcpuCount >= 1 else {
      throw HypervisorError("Domain \(name) has no VCPUs; use ldm set-vcpu first")
    }
    guard domain.memorySize > 0 else {
      throw HypervisorError("Domain \(name) has no memory; use ldm set-memory first")
    }
    let free = freeStrandCount
    guard free >= domain.vcpuCount else {
      throw HypervisorError(
        "Not enough free VCPUs to bind \(name): \(domain.vcpuCount) required, \(free) available")
    }
    for disk in domain.disks
    where diskService(named: disk.service)?.volume(named: disk.volume) == nil {
      throw HypervisorError("Volume \(disk.volumeReference) does not exist")
    }
    for network in domain.networks where virtualSwitch(named: network.switchName) == nil {
      throw HypervisorError("Virtual switch \(network.switchName) does not exist")
    }
    var memory = physicalMemory
    guard let placed = place(domain, in: &memory) else {
      throw HypervisorError(
        "Not enough free memory to bind \(name): \(ByteSize.format(domain.memorySize))"
          + " required, \(ByteSize.format(physicalMemory.freeBytes)) available")
    }
    var concentrators = consoleConcentrators
    var port: Int?
    if !domain.isControl, !concentrators.isEmpty {
      let index = concentrators.firstIndex { $0.freePortCount > 0 }
      guard let index else {
        throw HypervisorError(
          "No free port in virtual console concentrator \(concentrators[0].name)")
      }
      port = concentrators[index].assignPort(to: name, preferred: domain.consolePort)
    }
    // Everything fits: commit.
    physicalMemory = memory
    consoleConcentrators = concentrators
    domain.strands = takeStrands(domain.vcpuCount, for: name)
    domain.memoryBlocks = placed
    domain.memory = GuestMemory(byteCount: domain.memorySize)
    domain.consolePort = port
    domain.state = .bound
  }

  /// Releases a bound domain's resources (`ldm unbind-domain`).
  public func unbind(_ name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    switch domain.state {
    case .bound: releaseResources(of: domain)
    case .inactive: throw HypervisorError("Domain \(name) is not bound")
    case .active, .suspended:
      throw HypervisorError("Domain \(name) is \(domain.state.rawValue); stop it first")
    }
  }

  /// Boots a bound domain (`ldm start-domain`): its memory fills as the guest comes up.
  public func start(_ name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    switch domain.state {
    case .bound:
      domain.memory?.fill(
        fraction: domain.bootFill, seed: DeterministicRandom.hash(domain.name) ^ 0xB007,
        content: domain.workload.content)
      domain.memory?.dirty.clearAll()
      domain.uptime = 0
      domain.state = .active
    case .inactive: throw HypervisorError("Domain \(name) is not bound; bind it first")
    case .active, .suspended: throw HypervisorError("Domain \(name) is already active")
    }
  }

  /// Stops a running domain (`ldm stop-domain`); it stays bound.
  public func stop(_ name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard !domain.isControl else {
      throw HypervisorError("The control domain \(name) cannot be stopped from ldm")
    }
    guard domain.state == .active else {
      throw HypervisorError("Domain \(name) is not running")
    }
    domain.state = .bound
    domain.uptime = 0
  }

  // MARK: Helpers shared with migration and scenario loading

  func requireNotMigrating(_ domain: Domain) throws {
    if domain.migrationRole != nil {
      throw HypervisorError("Domain \(domain.name) is being migrated; the operation is refused")
    }
  }

  func requireValidName(_ name: String) throws {
    let allowed = name.unicodeScalars.allSatisfy {
      ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil))
        || $0 == "-" || $0 == "_" || $0 == "."
    }
    guard !name.isEmpty, name.count <= 64, allowed, name.first != "-" else {
      throw HypervisorError("Invalid domain name '\(name)'")
    }
  }

  /// Takes the lowest free strands.
  func takeStrands(_ count: Int, for owner: String) -> [Int] {
    var taken: [Int] = []
    for index in strandOwners.indices where strandOwners[index] == nil && taken.count < count {
      strandOwners[index] = owner
      taken.append(index)
    }
    precondition(taken.count == count, "strands checked before taking")
    return taken
  }

  /// Places a domain's memory blocks: the requested layout if any, else one block, else the
  /// fewest blocks the free ranges allow. Real addresses are contiguous from the first RA.
  func place(_ domain: Domain, in memory: inout PhysicalMemory) -> [MemoryBlock]? {
    if let sizes = domain.requestedBlockSizes {
      return place(sizes: sizes, realAddresses: nil, in: &memory)
    }
    if let blocks = place(sizes: [domain.memorySize], realAddresses: nil, in: &memory) {
      return blocks
    }
    var sizes: [UInt64] = []
    var remaining = domain.memorySize
    var trial = memory
    while remaining > 0 {
      let piece = min(remaining, trial.largestFreeRange)
      guard piece > 0, trial.allocate(piece) != nil else { return nil }
      sizes.append(piece)
      remaining -= piece
    }
    return place(sizes: sizes, realAddresses: nil, in: &memory)
  }

  /// Allocates one physical range per size. Real addresses are given or laid out
  /// contiguously from ``MemoryBlock/firstRealAddress``. All or nothing.
  func place(sizes: [UInt64], realAddresses: [UInt64]?, in memory: inout PhysicalMemory)
    -> [MemoryBlock]?
  {
    var trial = memory
    var blocks: [MemoryBlock] = []
    var realAddress = MemoryBlock.firstRealAddress
    for (index, size) in sizes.enumerated() {
      guard let physical = trial.allocate(size) else { return nil }
      let ra = realAddresses?[index] ?? realAddress
      blocks.append(MemoryBlock(realAddress: ra, physicalAddress: physical, size: size))
      realAddress = ra + size
    }
    memory = trial
    return blocks
  }

  func releaseResources(of domain: Domain) {
    for strand in domain.strands { strandOwners[strand] = nil }
    for block in domain.memoryBlocks {
      physicalMemory.release(.init(start: block.physicalAddress, size: block.size))
    }
    if let port = domain.consolePort {
      for index in consoleConcentrators.indices { consoleConcentrators[index].releasePort(port) }
    }
    domain.strands = []
    domain.memoryBlocks = []
    domain.memory = nil
    domain.consolePort = nil
    domain.state = .inactive
    domain.uptime = 0
    domain.throttle = 0
  }

  func refreshServiceFlags() {
    let providers = Set(
      diskServices.map(\.domain) + switches.map(\.domain) + consoleConcentrators.map(\.domain))
    for domain in domains { domain.providesServices = providers.contains(domain.name) }
  }
}
