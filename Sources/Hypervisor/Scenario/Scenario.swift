/// A scenario: two (or more) hosts, their services and domains, and the migration settings,
/// as written in a YAML file (see `Scenarios/README.md`). A plain value: hosts are built from
/// it on the thread that will own them.
public struct Scenario: Sendable, Equatable {
  public var name: String
  public var description: String
  public var migration: MigrationSettings
  public var hosts: [HostSpec]

  /// Migration defaults a scenario may set; options of `run` override them.
  public struct MigrationSettings: Sendable, Equatable {
    /// Bits per second; nil for unlimited.
    public var bandwidth: Double? = 1e9
    public var latency: Double = 0.0005
    public var downtimeLimit: Double = 0.3
    public var maxPasses: Int = 30
    public var autoConverge: Bool = false
    /// The codec page batches are offered in: `none`, `lz4` or `zstd` (``Quantities/compression``).
    public var compression: String = "none"
    /// Page channels a source asks for (``Quantities/channels``); 1 sends pages on the main one.
    public var channels: Int = 1
    /// Whether pages sent again go as their difference from the version sent before (XBZRLE).
    public var xbzrle = false
    /// Bytes of the XBZRLE page cache (``Quantities/xbzrleCache``).
    public var xbzrleCache: UInt64 = 64 << 20
    public init() {}
  }

  public struct HostSpec: Sendable, Equatable {
    public var name: String
    public var cpu: HostCPU
    public var os: SolarisRelease
    public var manager: ManagerVersion
    public var memory: UInt64
    public var reserved: [PhysicalMemory.Range]
    public var users: [String: String]
    public var diskServices: [VirtualDiskService]
    public var switches: [SwitchSpec]
    public var consoleConcentrators: [ConsoleSpec]
    public var domains: [DomainSpec]
  }

  public struct SwitchSpec: Sendable, Equatable {
    public var name: String
    public var domain: String?
    public var netDevice: String
  }

  public struct ConsoleSpec: Sendable, Equatable {
    public var name: String
    public var domain: String?
    public var ports: ClosedRange<Int>
  }

  public struct DomainSpec: Sendable, Equatable {
    public var name: String
    public var isControl: Bool
    public var state: DomainState
    public var vcpus: Int
    public var memory: UInt64
    public var blocks: [UInt64]?
    public var os: SolarisRelease
    public var cpuArch: CPUArch
    public var disks: [(name: String, volume: String, service: String)]
    public var networks: [(name: String, switchName: String)]
    public var consoleGroup: String?
    public var consolePort: Int?
    public var io: [String]
    public var workload: Workload
    public var fill: Double
    public var uptime: Int

    public static func == (lhs: Self, rhs: Self) -> Bool {
      lhs.name == rhs.name && lhs.isControl == rhs.isControl && lhs.state == rhs.state
        && lhs.vcpus == rhs.vcpus && lhs.memory == rhs.memory && lhs.blocks == rhs.blocks
        && lhs.os == rhs.os && lhs.cpuArch == rhs.cpuArch
        && lhs.disks.map { "\($0.name) \($0.volume)@\($0.service)" }
          == rhs.disks.map { "\($0.name) \($0.volume)@\($0.service)" }
        && lhs.networks.map { "\($0.name) \($0.switchName)" }
          == rhs.networks.map { "\($0.name) \($0.switchName)" }
        && lhs.consoleGroup == rhs.consoleGroup && lhs.consolePort == rhs.consolePort
        && lhs.io == rhs.io && lhs.workload == rhs.workload && lhs.fill == rhs.fill
        && lhs.uptime == rhs.uptime
    }
  }
}
