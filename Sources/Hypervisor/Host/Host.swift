/// A physical machine running the hypervisor and its Logical Domains Manager: its processor,
/// physical memory, virtual services, users and domains.
///
/// Every operation either succeeds whole or throws and changes nothing, so the host's
/// accounting (strands, physical ranges, console ports) always adds up; see
/// ``accountingProblems()``. Owned by one thread; read elsewhere through ``snapshot()``.
public final class Host {
  public let name: String
  public internal(set) var cpu: HostCPU
  public internal(set) var os: SolarisRelease
  public internal(set) var managerVersion: ManagerVersion
  public internal(set) var physicalMemory: PhysicalMemory
  /// Ranges the firmware or hypervisor keeps for itself; never given to domains.
  public let reservedRanges: [PhysicalMemory.Range]
  public internal(set) var diskServices: [VirtualDiskService] = []
  public internal(set) var switches: [VirtualSwitch] = []
  public internal(set) var consoleConcentrators: [VirtualConsoleConcentrator] = []
  /// User names and passwords accepted by this host's ldmd (a demo model, not security).
  public internal(set) var users: [String: String]
  /// Domains in `ldm list` order: creation order, the control domain first.
  public internal(set) var domains: [Domain] = []

  /// The domain holding each strand, by strand id.
  var strandOwners: [String?]

  public init(
    name: String, cpu: HostCPU, os: SolarisRelease, managerVersion: ManagerVersion,
    memory: UInt64, reservedRanges: [PhysicalMemory.Range] = [], users: [String: String] = [:]
  ) throws {
    self.name = name
    self.cpu = cpu
    self.os = os
    self.managerVersion = managerVersion
    self.users = users
    physicalMemory = PhysicalMemory(total: memory)
    self.reservedRanges = reservedRanges
    strandOwners = Array(repeating: nil, count: cpu.strands)
    for range in reservedRanges where !physicalMemory.reserve(range) {
      throw HypervisorError(
        "reserved range \(hexAddress(range.start)) of \(ByteSize.format(range.size))"
          + " is outside the host's memory or overlaps another")
    }
  }

  // MARK: Queries

  public func domain(named name: String) -> Domain? {
    domains.first { $0.name == name }
  }

  /// The domain of that name, or the ldm error for an unknown domain.
  public func existingDomain(_ name: String) throws -> Domain {
    guard let domain = domain(named: name) else {
      throw HypervisorError("Domain \(name) not found")
    }
    return domain
  }

  public var controlDomain: Domain? { domains.first { $0.isControl } }

  public var freeStrandCount: Int { strandOwners.lazy.filter { $0 == nil }.count }

  public func diskService(named name: String) -> VirtualDiskService? {
    diskServices.first { $0.name == name }
  }

  public func virtualSwitch(named name: String) -> VirtualSwitch? {
    switches.first { $0.name == name }
  }

  /// The first console concentrator with a free port, or the first one (full) if none.
  public var consoleConcentrator: VirtualConsoleConcentrator? {
    consoleConcentrators.first { $0.freePortCount > 0 } ?? consoleConcentrators.first
  }

  public func snapshot() -> HostSnapshot {
    HostSnapshot(
      name: name, cpu: cpu, os: os, managerVersion: managerVersion,
      memoryTotal: physicalMemory.total, memoryFree: physicalMemory.freeBytes,
      freeRanges: physicalMemory.free, strandsFree: freeStrandCount, diskServices: diskServices,
      switches: switches, consoleConcentrators: consoleConcentrators,
      domains: domains.map { $0.snapshot() })
  }

  /// Lets every running guest run for `seconds` of simulated time.
  public func advance(seconds: Double) {
    for domain in domains { domain.run(seconds: seconds) }
  }

  /// Makes every guest's owed stores (see `Domain.run`).
  public func makeOwedWrites() {
    for domain in domains { domain.makeOwedWrites() }
  }

  /// Checks that the host's books balance: every strand, physical range and console port is
  /// held by exactly one existing, bound domain (or is free). Empty when all is well.
  public func accountingProblems() -> [String] {
    var problems: [String] = []
    let names = Set(domains.map(\.name))
    if names.count != domains.count { problems.append("\(name): duplicate domain names") }
    for domain in domains {
      let held = strandOwners.indices.filter { strandOwners[$0] == domain.name }
      if held != domain.strands.sorted() {
        problems.append("\(name): strands of \(domain.name) do not match the strand map")
      }
      if domain.state.holdsResources {
        if domain.strands.count != domain.vcpuCount {
          problems.append("\(name): \(domain.name) holds \(domain.strands.count) strands")
        }
        let blockBytes = domain.memoryBlocks.reduce(0) { $0 + $1.size }
        if blockBytes != domain.memorySize {
          problems.append("\(name): \(domain.name) blocks do not add up to its memory")
        }
        if domain.memory?.byteCount != domain.memorySize {
          problems.append("\(name): \(domain.name) has no memory of its size")
        }
      } else if !domain.strands.isEmpty || !domain.memoryBlocks.isEmpty
        || domain.memory != nil || domain.consolePort != nil
      {
        problems.append("\(name): inactive \(domain.name) still holds resources")
      }
    }
    for owner in strandOwners.compactMap({ $0 }) where !names.contains(owner) {
      problems.append("\(name): a strand is held by missing domain \(owner)")
    }
    // Physical memory: free + reserved + every block must tile the host exactly.
    var pieces = physicalMemory.free + reservedRanges
    for domain in domains {
      pieces += domain.memoryBlocks.map {
        PhysicalMemory.Range(start: $0.physicalAddress, size: $0.size)
      }
    }
    pieces.sort { $0.start < $1.start }
    var cursor: UInt64 = 0
    for piece in pieces {
      if piece.start != cursor {
        problems.append("\(name): physical memory \(piece.start < cursor ? "overlap" : "leak")")
        break
      }
      cursor = piece.end
    }
    if cursor != physicalMemory.total, problems.isEmpty {
      problems.append("\(name): physical memory does not add up")
    }
    var ports: [Int: String] = [:]
    for vcc in consoleConcentrators {
      for (port, owner) in vcc.assigned { ports[port] = owner }
    }
    for domain in domains where !domain.isControl {
      if let port = domain.consolePort, ports.removeValue(forKey: port) != domain.name {
        problems.append("\(name): console port \(port) of \(domain.name) is not assigned to it")
      }
    }
    for (port, owner) in ports {
      problems.append("\(name): console port \(port) is held by missing domain \(owner)")
    }
    return problems
  }
}
