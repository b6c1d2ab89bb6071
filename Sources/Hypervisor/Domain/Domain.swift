/// A logical domain: its configuration, the resources it holds while bound, and its memory.
///
/// A reference type because a host and the migration engine both refer to the same live
/// domain; it is owned by the thread that runs its host. Read it from elsewhere through
/// ``DomainSnapshot``.
public final class Domain {
  public internal(set) var name: String
  public internal(set) var state: DomainState
  /// The control domain (`primary`): FLAGS position 4, console `UART`.
  public let isControl: Bool
  public internal(set) var migrationRole: MigrationRole?

  public internal(set) var vcpuCount: Int
  /// Host strands held while bound, one per vCPU.
  public internal(set) var strands: [Int] = []
  /// Configured memory size.
  public internal(set) var memorySize: UInt64
  /// Memory blocks held while bound, in real-address order.
  public internal(set) var memoryBlocks: [MemoryBlock] = []
  /// Sizes of the blocks to bind, when the configuration asks for a particular layout.
  public internal(set) var requestedBlockSizes: [UInt64]?
  /// The domain's memory while bound; nil when inactive.
  public internal(set) var memory: GuestMemory?

  public internal(set) var cpuArch: CPUArch
  public internal(set) var os: SolarisRelease
  public internal(set) var disks: [VirtualDisk] = []
  public internal(set) var networks: [VirtualNetwork] = []
  public internal(set) var consolePort: Int?
  /// The vcc console group; migrating a domain in a group needs a vcc on the target.
  public internal(set) var consoleGroup: String?
  /// Physical I/O devices assigned to the domain; such a domain cannot migrate.
  public internal(set) var ioDevices: [String]
  public internal(set) var workload: Workload
  /// Fraction of memory a boot fills with content.
  public internal(set) var bootFill: Double
  /// Auto-converge throttle applied to the guest, 0 … 0.99.
  public internal(set) var throttle = 0.0
  /// Seconds since boot while active.
  public internal(set) var uptime: Double = 0
  /// `auto-boot?` and friends, for `ldm list -l`'s VARIABLES.
  public internal(set) var variables: [(name: String, value: String)]

  var runner: WorkloadRunner

  init(
    name: String, state: DomainState = .inactive, isControl: Bool = false, vcpuCount: Int = 0,
    memorySize: UInt64 = 0, cpuArch: CPUArch = .native, os: SolarisRelease = .solaris11,
    ioDevices: [String] = [], workload: Workload = .idle, bootFill: Double = 0.02,
    variables: [(name: String, value: String)] = [("auto-boot?", "true")]
  ) {
    self.name = name
    self.state = state
    self.isControl = isControl
    self.vcpuCount = vcpuCount
    self.memorySize = memorySize
    self.cpuArch = cpuArch
    self.os = os
    self.ioDevices = ioDevices
    self.workload = workload
    self.bootFill = bootFill
    self.variables = variables
    runner = WorkloadRunner(seed: DeterministicRandom.hash(name) ^ 0x5EED)
  }

  /// Whether the guest is executing instructions (and so writing memory).
  public var isRunning: Bool { state == .active }

  /// The six-character FLAGS column.
  public var flags: String {
    var text = ""
    text.append("-")
    text.append(state == .active || state == .suspended ? "n" : "-")
    text.append("-")
    text.append(isControl ? "c" : "-")
    text.append(providesServices ? "v" : "-")
    text.append(migrationRole?.flag ?? "-")
    return text
  }

  /// Whether the domain provides virtual I/O services (FLAGS position 5); set by the host.
  public internal(set) var providesServices = false

  /// Utilisation in percent as `ldm list` shows it; nil when not running.
  public var utilisation: Double? {
    switch state {
    case .active: isControl ? workload.utilisation : workload.utilisation * (1 - throttle)
    case .suspended: 0
    case .bound, .inactive: nil
    }
  }

  /// The CONS column: `UART` for the control domain, else the console port.
  public var consoleLabel: String {
    if isControl { return "UART" }
    return consolePort.map(String.init) ?? ""
  }

  /// Lets the guest run for `seconds`: its workload stores into memory and uptime advances.
  func run(seconds: Double) {
    guard seconds > 0, seconds.isFinite else { return }
    guard state == .active else {
      if state == .suspended { uptime += seconds }
      return
    }
    uptime += seconds
    guard !isControl, let memory else { return }
    // While no migration logs this memory, nothing sees a store until a migration starts:
    // stores are made in spans of many footprints' worth, whose end state (each footprint
    // page written or not, with the exact chance) is what making them one by one leaves, at
    // a small part of the cost. An idle console's guests would otherwise take a few per cent
    // of a core, mostly in cache misses on pages written at random.
    runner.owe(workload, seconds: seconds, throttle: throttle)
    if migrationRole != nil
      || runner.owes(footprints: Self.unloggedFootprints, of: workload, on: memory)
    {
      _ = runner.settle(workload, on: memory)
    }
  }

  /// How many footprints' worth of writes an unlogged guest owes before it makes them.
  static let unloggedFootprints = 16.0

  /// Makes the stores owed (before a migration starts to log them, or to measure memory).
  public func makeOwedWrites() {
    guard state == .active, !isControl, let memory else { return }
    _ = runner.settle(workload, on: memory)
  }

  /// Runs the workload and reports the pages written (for tests of the dirty log).
  public func runRecordingWrites(seconds: Double) -> [Int] {
    guard state == .active, let memory else { return [] }
    return runner.run(workload, on: memory, seconds: seconds, throttle: throttle, record: true)
  }

  /// The migration engine throttles a guest that dirties memory faster than it can be sent.
  public func setThrottle(_ value: Double) {
    throttle = min(max(value, 0), 0.99)
  }

  /// Marks the domain's part in a migration (nil clears it).
  public func setMigrationRole(_ role: MigrationRole?) {
    if migrationRole == nil, role != nil { makeOwedWrites() }
    migrationRole = role
  }

  /// Stops the guest for the final copy, or lets it run again after a cancel.
  public func setSuspended(_ suspended: Bool) {
    if suspended {
      precondition(state == .active, "only a running domain can be suspended")
      state = .suspended
    } else if state == .suspended {
      state = .active
    }
  }

  /// Far beyond any uptime ldm shows (3 × 10^10 years), and still a whole number of seconds.
  static let longestUptime = 1e18

  /// An immutable copy of what `ldm list` and the console show.
  public func snapshot() -> DomainSnapshot {
    DomainSnapshot(
      name: name, state: state, flags: flags, console: consoleLabel, vcpuCount: vcpuCount,
      memorySize: memorySize, utilisation: utilisation,
      uptimeSeconds: Int(min(uptime, Self.longestUptime)),
      isControl: isControl, migrationRole: migrationRole, cpuArch: cpuArch, os: os,
      strands: strands, memoryBlocks: memoryBlocks, disks: disks, networks: networks,
      consolePort: consolePort, consoleGroup: consoleGroup, ioDevices: ioDevices,
      workload: workload.name, throttle: throttle,
      variables: variables.map { DomainSnapshot.Variable(name: $0.name, value: $0.value) })
  }
}
