extension Scenario.DomainSpec: Decodable {
  enum Keys: String, CodingKey, CaseIterable {
    case name, control, state, vcpus, memory, blocks, os
    case cpuArch = "cpu-arch"
    case disks, networks
    case consoleGroup = "console-group"
    case consolePort = "console-port"
    case io, workload, fill, uptime, util
    case footprint
    case content
  }
  enum DiskKeys: String, CodingKey, CaseIterable { case name, volume }
  enum NetworkKeys: String, CodingKey, CaseIterable { case name, `switch` }
  enum WorkloadKeys: String, CodingKey, CaseIterable {
    case preset, rate
    case hotSet = "hot-set"
    case hotWrites = "hot-writes"
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(Keys.self)
    let container = try decoder.container(keyedBy: Keys.self)
    name = try container.decode(String.self, forKey: .name)
    isControl = try container.decodeIfPresent(Bool.self, forKey: .control) ?? false
    let stateText = try container.decodeIfPresent(String.self, forKey: .state) ?? "active"
    guard let state = DomainState(rawValue: stateText), state != .suspended else {
      throw container.failure(
        .state, "bad state '\(stateText)' (expected active, bound or inactive)")
    }
    self.state = state
    vcpus = try container.value(Quantities.vcpus, at: .vcpus)
    memory = try container.value(Quantities.domainMemory, at: .memory)
    if var list = try container.nestedUnkeyedContainerIfPresent(.blocks) {
      var sizes: [UInt64] = []
      var total: UInt64 = 0
      while !list.isAtEnd {
        let size = try list.value(Quantities.blockSize)
        sizes.append(size)
        // Each block is at most 4T, so the sum cannot wrap before it passes the memory.
        total += size
        guard total <= memory else {
          throw container.failure(
            .blocks, "blocks add up to more than the memory (\(ByteSize.format(memory)))")
        }
      }
      guard total == memory else {
        throw container.failure(
          .blocks,
          "blocks add up to \(ByteSize.format(total)) but memory is \(ByteSize.format(memory))")
      }
      blocks = sizes
    } else {
      blocks = nil
    }
    os = try container.release(.os) ?? .solaris11
    let archText = try container.decodeIfPresent(String.self, forKey: .cpuArch) ?? "native"
    guard let arch = CPUArch(rawValue: archText) else {
      throw container.failure(
        .cpuArch, "bad cpu-arch '\(archText)' (expected native, generic or migration-class1)")
    }
    cpuArch = arch
    disks = []
    if var list = try container.nestedUnkeyedContainerIfPresent(.disks) {
      while !list.isAtEnd {
        let item = try list.superDecoder()
        try item.rejectUnknownKeys(DiskKeys.self)
        let disk = try item.container(keyedBy: DiskKeys.self)
        let reference = try disk.decode(String.self, forKey: .volume)
        let parts = reference.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
          throw disk.failure(.volume, "bad volume '\(reference)' (expected VOLUME@SERVICE)")
        }
        disks.append(
          (try disk.decode(String.self, forKey: .name), String(parts[0]), String(parts[1])))
      }
    }
    networks = []
    if var list = try container.nestedUnkeyedContainerIfPresent(.networks) {
      while !list.isAtEnd {
        let item = try list.superDecoder()
        try item.rejectUnknownKeys(NetworkKeys.self)
        let network = try item.container(keyedBy: NetworkKeys.self)
        networks.append(
          (
            try network.decode(String.self, forKey: .name),
            try network.decode(String.self, forKey: .switch)
          ))
      }
    }
    consoleGroup = try container.decodeIfPresent(String.self, forKey: .consoleGroup)
    consolePort = try container.valueIfPresent(Quantities.consolePort, at: .consolePort)
    io = try container.decodeIfPresent([String].self, forKey: .io) ?? []
    workload = try Self.workload(in: container)
    try Self.decodeFootprint(into: &workload, in: container, memory: memory)
    if let text = try container.decodeIfPresent(String.self, forKey: .content) {
      guard let content = ContentProfile(rawValue: text) else {
        throw container.failure(
          .content,
          "unknown content '\(text)' (expected "
            + ContentProfile.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
      workload.content = content
    }
    if let util = try container.valueIfPresent(Quantities.utilisation, at: .util) {
      workload.utilisation = util
    }
    fill = try container.valueIfPresent(Quantities.fill, at: .fill) ?? (isControl ? 0 : 0.02)
    uptime = try container.valueIfPresent(Quantities.uptime, at: .uptime) ?? 0
  }

  private static func workload(in container: KeyedDecodingContainer<Keys>) throws -> Workload {
    guard container.contains(.workload) else { return .idle }
    if let name = try? container.decode(String.self, forKey: .workload) {
      guard let preset = Workload.preset(named: name) else {
        throw container.failure(
          .workload,
          "unknown workload '\(name)' (expected "
            + Workload.presets.map(\.name).joined(separator: ", ") + ")")
      }
      return preset
    }
    let decoder = try container.superDecoder(forKey: .workload)
    try decoder.rejectUnknownKeys(WorkloadKeys.self)
    let spec = try decoder.container(keyedBy: WorkloadKeys.self)
    var workload = Workload.idle
    if let name = try spec.decodeIfPresent(String.self, forKey: .preset) {
      guard let preset = Workload.preset(named: name) else {
        throw spec.failure(.preset, "unknown workload '\(name)'")
      }
      workload = preset
    } else {
      workload.name = "custom"
    }
    if let rate = try spec.valueIfPresent(Quantities.writeRate, at: .rate) {
      workload.pagesPerSecond = rate
    }
    if let hot = try spec.valueIfPresent(Quantities.hotSet, at: .hotSet) {
      workload.hotSetFraction = hot
    }
    if let hot = try spec.valueIfPresent(Quantities.hotWrites, at: .hotWrites) {
      workload.hotWriteFraction = hot
    }
    return workload
  }
}

extension Scenario.DomainSpec {
  /// `footprint:` is a fraction of the domain's memory or a size; it must hold the hot set.
  /// Without it the preset's footprint applies, grown to hold a larger custom hot set.
  static func decodeFootprint(
    into workload: inout Workload, in container: KeyedDecodingContainer<Keys>, memory: UInt64
  ) throws {
    guard container.contains(.footprint) else {
      if case .fraction(let fraction) = workload.footprint, fraction < workload.hotSetFraction {
        workload.footprint = .fraction(workload.hotSetFraction)
      }
      return
    }
    let footprint: Footprint
    let share: Double
    if let number = try? container.decode(Double.self, forKey: .footprint) {
      if number > 0, number <= 1 {
        footprint = .fraction(number)
        share = number
      } else if number > 1, number < 0x1p64, number == number.rounded() {
        footprint = .bytes(UInt64(number))
        share = number / Double(memory)
      } else {
        throw container.failure(
          .footprint, "footprint must be a fraction in (0, 1] or a size such as 256M")
      }
    } else {
      let text = try container.decode(String.self, forKey: .footprint)
      guard let bytes = ByteSize.parse(text) else {
        throw container.failure(
          .footprint, "bad footprint '\(text)' (a fraction in (0, 1] or a size such as 256M)")
      }
      footprint = .bytes(bytes)
      share = Double(bytes) / Double(memory)
    }
    if case .bytes(let bytes) = footprint {
      guard bytes >= UInt64(GuestMemory.pageSize) else {
        throw container.failure(.footprint, "footprint \(bytes) is less than one 8K page")
      }
      guard bytes <= memory else {
        throw container.failure(
          .footprint,
          "footprint \(ByteSize.format(bytes)) is more than the domain's memory"
            + " \(ByteSize.format(memory))")
      }
    }
    guard share >= workload.hotSetFraction else {
      throw container.failure(
        .footprint,
        "footprint \(footprint) does not hold the hot set"
          + " (hot-set \(workload.hotSetFraction) of the memory)")
    }
    workload.footprint = footprint
  }
}

extension KeyedDecodingContainer {
  func failure(_ key: Key, _ reason: String) -> YAMLPathError {
    YAMLPathError(path: codingPath + [key], reason: reason)
  }

  func nestedUnkeyedContainerIfPresent(_ key: Key) throws -> UnkeyedDecodingContainer? {
    contains(key) ? try nestedUnkeyedContainer(forKey: key) : nil
  }

  /// A size of guest memory written `1G`, `512M` or as a byte count, at most the largest
  /// host's memory.
  func size(_ key: Key) throws -> UInt64 {
    try value(Quantities.guestSize, at: key)
  }

  func release(_ key: Key) throws -> SolarisRelease? {
    guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
    guard let release = SolarisRelease(rawValue: text) else {
      throw failure(key, "bad os '\(text)' (expected solaris10 or solaris11)")
    }
    return release
  }
}
