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
    case compress
    case channels
    case xbzrle
    case xbzrleCache = "xbzrle-cache"
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    self.init()
    if let link = try container.valueIfPresent(Quantities.link, at: .link) { bandwidth = link }
    latency = try container.valueIfPresent(Quantities.latency, at: .latency) ?? latency
    downtimeLimit =
      try container.valueIfPresent(Quantities.downtimeLimit, at: .downtimeLimit) ?? downtimeLimit
    maxPasses = try container.valueIfPresent(Quantities.maxPasses, at: .maxPasses) ?? maxPasses
    autoConverge = try container.decodeIfPresent(Bool.self, forKey: .autoConverge) ?? false
    compression =
      try container.valueIfPresent(Quantities.compression, at: .compress) ?? compression
    channels = try container.valueIfPresent(Quantities.channels, at: .channels) ?? channels
    xbzrle = try container.decodeIfPresent(Bool.self, forKey: .xbzrle) ?? xbzrle
    xbzrleCache =
      try container.valueIfPresent(Quantities.xbzrleCache, at: .xbzrleCache) ?? xbzrleCache
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

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decode(String.self, forKey: .name)
    let cpuDecoder = try container.superDecoder(forKey: .cpu)
    try cpuDecoder.rejectUnknownKeys(CPUKeys.self)
    let cpuContainer = try cpuDecoder.container(keyedBy: CPUKeys.self)
    let strands = try cpuContainer.value(Quantities.strands, at: .strands)
    cpu = HostCPU(
      type: try cpuContainer.decode(String.self, forKey: .type),
      mhz: try cpuContainer.value(Quantities.mhz, at: .mhz),
      stickFrequency: try cpuContainer.value(Quantities.stickFrequency, at: .stickFrequency),
      strands: strands,
      strandsPerChip: try cpuContainer.valueIfPresent(
        Quantities.strandsPerChip, at: .strandsPerChip)
        ?? min(strands, 64))
    os = try container.release(.os) ?? .solaris11
    let managerText = try container.decodeIfPresent(String.self, forKey: .manager) ?? "3.1"
    guard let manager = ManagerVersion(managerText) else {
      throw container.failure(.manager, "bad manager version '\(managerText)' (e.g. 3.1)")
    }
    self.manager = manager
    memory = try container.value(Quantities.hostMemory, at: .memory)
    var reservedList = try container.nestedUnkeyedContainerIfPresent(.reserved)
    reserved = []
    while var list = reservedList, !list.isAtEnd {
      let item = try list.superDecoder()
      try item.rejectUnknownKeys(RangeKeys.self)
      let range = try item.container(keyedBy: RangeKeys.self)
      reserved.append(
        .init(
          start: try range.value(Quantities.reservedAddress, at: .pa),
          size: try range.value(Quantities.reservedSize, at: .size)))
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
    ports = try container.value(Quantities.consolePorts, at: .ports)
  }
}
