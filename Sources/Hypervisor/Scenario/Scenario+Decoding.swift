/// Strict decoding of scenario files: every key known, every value checked, errors carry the
/// coding path so the loader can name the line.
extension Scenario: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case name, description, migration, hosts
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? "unnamed"
    description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
    migration = try container.decodeIfPresent(MigrationSettings.self, forKey: .migration) ?? .init()
    hosts = try container.decode([HostSpec].self, forKey: .hosts)
  }
}

extension Scenario.MigrationSettings: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case link, latency
    case downtimeLimit = "downtime-limit"
    case maxPasses = "max-passes"
    case autoConverge = "auto-converge"
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    self.init()
    if let text = try container.decodeIfPresent(String.self, forKey: .link) {
      guard let value = Units.parseBandwidth(text) else {
        throw container.failure(
          .link, "bad bandwidth '\(text)' (e.g. 1Gbit/s, 100Mbit/s, unlimited)")
      }
      bandwidth = value
    }
    if let text = try container.decodeIfPresent(String.self, forKey: .latency) {
      latency = try container.duration(text, .latency)
    }
    if let text = try container.decodeIfPresent(String.self, forKey: .downtimeLimit) {
      downtimeLimit = try container.duration(text, .downtimeLimit)
    }
    if let passes = try container.decodeIfPresent(Int.self, forKey: .maxPasses) {
      guard (1...1000).contains(passes) else {
        throw container.failure(.maxPasses, "max-passes must be between 1 and 1000")
      }
      maxPasses = passes
    }
    autoConverge = try container.decodeIfPresent(Bool.self, forKey: .autoConverge) ?? false
  }
}

extension Scenario.HostSpec: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case name, cpu, os, manager, memory, reserved, users, services, domains
  }
  enum CPUKeys: String, CodingKey, CaseIterable {
    case type, mhz
    case stickFrequency = "stick-frequency"
    case strands
    case strandsPerChip = "strands-per-chip"
  }
  enum ServiceKeys: String, CodingKey, CaseIterable { case vds, vsw, vcc }
  enum RangeKeys: String, CodingKey, CaseIterable { case pa, size }

  /// The largest host memory a scenario may give: a SPARC T5-8's 4 TB.
  static let maximumMemory: UInt64 = 4 << 40

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decode(String.self, forKey: .name)
    let cpuDecoder = try container.superDecoder(forKey: .cpu)
    try cpuDecoder.rejectUnknownKeys(CPUKeys.self)
    let cpuContainer = try cpuDecoder.container(keyedBy: CPUKeys.self)
    let strands = try cpuContainer.decode(Int.self, forKey: .strands)
    guard (1...4096).contains(strands) else {
      throw cpuContainer.failure(.strands, "strands must be between 1 and 4096")
    }
    let mhz = try cpuContainer.decode(Int.self, forKey: .mhz)
    guard mhz > 0 else { throw cpuContainer.failure(.mhz, "mhz must be positive") }
    cpu = HostCPU(
      type: try cpuContainer.decode(String.self, forKey: .type), mhz: mhz,
      stickFrequency: try cpuContainer.number(.stickFrequency),
      strands: strands,
      strandsPerChip: try cpuContainer.decodeIfPresent(Int.self, forKey: .strandsPerChip)
        ?? min(strands, 64))
    os = try container.release(.os) ?? .solaris11
    let managerText = try container.decodeIfPresent(String.self, forKey: .manager) ?? "3.1"
    guard let manager = ManagerVersion(managerText) else {
      throw container.failure(.manager, "bad manager version '\(managerText)' (e.g. 3.1)")
    }
    self.manager = manager
    memory = try container.size(.memory)
    // Each bound domain gets a page table (8 bytes a page, lazily mapped) and a dirty log (a
    // bit a page, allocated) sized by its memory, which the host's bounds: past the largest
    // real SPARC server, loading the scenario alone would exhaust the machine running it.
    guard memory <= Self.maximumMemory else {
      throw container.failure(
        .memory,
        "host memory \(ByteSize.format(memory)) is more than 4T, the most a SPARC T-series server"
          + " holds")
    }
    var reservedList = try container.nestedUnkeyedContainerIfPresent(.reserved)
    reserved = []
    while var list = reservedList, !list.isAtEnd {
      let item = try list.superDecoder()
      try item.rejectUnknownKeys(RangeKeys.self)
      let range = try item.container(keyedBy: RangeKeys.self)
      reserved.append(.init(start: try range.number(.pa), size: try range.size(.size)))
      reservedList = list
    }
    users = try container.decodeIfPresent([String: String].self, forKey: .users) ?? [:]
    diskServices = []
    switches = []
    consoleConcentrators = []
    if container.contains(.services) {
      let services = try container.superDecoder(forKey: .services)
      try services.rejectUnknownKeys(ServiceKeys.self)
      let list = try services.container(keyedBy: ServiceKeys.self)
      diskServices =
        try list.decodeIfPresent([DiskServiceSpec].self, forKey: .vds)?.map(\.value)
        ?? []
      switches = try list.decodeIfPresent([Scenario.SwitchSpec].self, forKey: .vsw) ?? []
      consoleConcentrators =
        try list.decodeIfPresent([Scenario.ConsoleSpec].self, forKey: .vcc) ?? []
    }
    domains = try container.decodeIfPresent([Scenario.DomainSpec].self, forKey: .domains) ?? []
  }
}

/// A vds as written in a scenario; `domain` defaults to the control domain at build time.
struct DiskServiceSpec: Decodable {
  var value: VirtualDiskService
  enum Keys: String, CodingKey, CaseIterable { case name, domain, volumes }
  enum VolumeKeys: String, CodingKey, CaseIterable { case name, device, options }

  init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    value = VirtualDiskService(
      name: try container.decode(String.self, forKey: .name),
      domain: try container.decodeIfPresent(String.self, forKey: .domain) ?? "")
    if var list = try container.nestedUnkeyedContainerIfPresent(.volumes) {
      while !list.isAtEnd {
        let item = try list.superDecoder()
        try item.rejectUnknownKeys(VolumeKeys.self)
        let volume = try item.container(keyedBy: VolumeKeys.self)
        value.volumes.append(
          .init(
            name: try volume.decode(String.self, forKey: .name),
            device: try volume.decode(String.self, forKey: .device),
            options: try volume.decodeIfPresent(String.self, forKey: .options) ?? ""))
      }
    }
  }
}

extension Scenario.SwitchSpec: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case name, domain
    case netDevice = "net-dev"
  }
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decode(String.self, forKey: .name)
    domain = try container.decodeIfPresent(String.self, forKey: .domain)
    netDevice = try container.decodeIfPresent(String.self, forKey: .netDevice) ?? "net0"
  }
}

extension Scenario.ConsoleSpec: Decodable {
  enum Keys: String, CodingKey, CaseIterable { case name, domain, ports }
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decode(String.self, forKey: .name)
    domain = try container.decodeIfPresent(String.self, forKey: .domain)
    let text = try container.decode(String.self, forKey: .ports)
    guard let range = parsePortRange(text) else {
      throw container.failure(.ports, "bad port range '\(text)' (e.g. 5000-5100)")
    }
    ports = range
  }
}
