/// An immutable picture of a domain: what `ldm list` prints and the console draws.
public struct DomainSnapshot: Sendable, Equatable, Codable {
  public struct Variable: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  public var name: String
  public var state: DomainState
  public var flags: String
  /// The CONS column (`UART`, a port, or empty).
  public var console: String
  public var vcpuCount: Int
  public var memorySize: UInt64
  /// Percent, nil when the domain is not running.
  public var utilisation: Double?
  public var uptimeSeconds: Int
  public var isControl: Bool
  public var migrationRole: MigrationRole?
  public var cpuArch: CPUArch
  public var os: SolarisRelease
  public var strands: [Int]
  public var memoryBlocks: [MemoryBlock]
  public var disks: [VirtualDisk]
  public var networks: [VirtualNetwork]
  public var consolePort: Int?
  public var consoleGroup: String?
  public var ioDevices: [String]
  public var workload: String
  public var throttle: Double
  public var variables: [Variable]

  /// Whether UTIL and UPTIME apply (ldm leaves them blank for bound and inactive domains).
  public var showsActivity: Bool { state == .active || state == .suspended }
}

/// An immutable picture of a host.
public struct HostSnapshot: Sendable, Equatable, Codable {
  public var name: String
  public var cpu: HostCPU
  public var os: SolarisRelease
  public var managerVersion: ManagerVersion
  public var memoryTotal: UInt64
  public var memoryFree: UInt64
  public var freeRanges: [PhysicalMemory.Range]
  public var strandsFree: Int
  public var diskServices: [VirtualDiskService]
  public var switches: [VirtualSwitch]
  public var consoleConcentrators: [VirtualConsoleConcentrator]
  public var domains: [DomainSnapshot]

  public func domain(named name: String) -> DomainSnapshot? {
    domains.first { $0.name == name }
  }

  /// A host known by name only (its daemon not reached yet): no CPU, no memory, no domains.
  public static func unknown(named name: String) -> HostSnapshot {
    HostSnapshot(
      name: name,
      cpu: HostCPU(type: "?", mhz: 0, stickFrequency: 0, strands: 0, strandsPerChip: 1),
      os: .solaris11, managerVersion: ManagerVersion(major: 0, minor: 0), memoryTotal: 0,
      memoryFree: 0, freeRanges: [], strandsFree: 0, diskServices: [], switches: [],
      consoleConcentrators: [], domains: [])
  }
}
