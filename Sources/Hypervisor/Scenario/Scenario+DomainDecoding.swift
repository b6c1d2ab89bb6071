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
    vcpus = try container.decode(Int.self, forKey: .vcpus)
    guard vcpus >= 1 else { throw container.failure(.vcpus, "vcpus must be at least 1") }
    memory = try container.size(.memory)
    guard memory % PhysicalMemory.granule == 0 else {
      throw container.failure(.memory, "memory must be a multiple of 4M")
    }
    if var list = try container.nestedUnkeyedContainerIfPresent(.blocks) {
      var sizes: [UInt64] = []
      while !list.isAtEnd {
        let text = try list.decode(String.self)
        guard let size = ByteSize.parse(text), size > 0, size % PhysicalMemory.granule == 0 else {
          throw YAMLPathError(
            path: list.codingPath + [AnyCodingKey(intValue: list.currentIndex - 1)!],
            reason: "bad block size '\(text)' (a multiple of 4M, e.g. 2G)")
        }
        sizes.append(size)
      }
      guard sizes.reduce(0, +) == memory else {
        throw container.failure(
          .blocks,
          "blocks add up to \(ByteSize.format(sizes.reduce(0, +)))"
            + " but memory is \(ByteSize.format(memory))")
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
    consolePort = try container.decodeIfPresent(Int.self, forKey: .consolePort)
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
    if let util = try container.decodeIfPresent(Double.self, forKey: .util) {
      guard (0...100).contains(util) else {
        throw container.failure(.util, "util must be a percentage between 0 and 100")
      }
      workload.utilisation = util
    }
    fill = try container.decodeIfPresent(Double.self, forKey: .fill) ?? (isControl ? 0 : 0.02)
    guard (0...1).contains(fill) else {
      throw container.failure(.fill, "fill must be a fraction between 0 and 1")
    }
    if let text = try? container.decodeIfPresent(String.self, forKey: .uptime) {
      guard let seconds = Units.parseUptime(text) else {
        throw container.failure(.uptime, "bad uptime '\(text)' (e.g. 2h 7m, 45d 8h 6m, or seconds)")
      }
      uptime = seconds
    } else {
      uptime = try container.decodeIfPresent(Int.self, forKey: .uptime) ?? 0
    }
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
    if let rate = try spec.decodeIfPresent(Double.self, forKey: .rate) {
      guard rate >= 0, rate.isFinite else { throw spec.failure(.rate, "rate must be ≥ 0") }
      workload.pagesPerSecond = rate
    }
    if let hot = try spec.decodeIfPresent(Double.self, forKey: .hotSet) {
      guard hot > 0, hot <= 1 else { throw spec.failure(.hotSet, "hot-set must be in (0, 1]") }
      workload.hotSetFraction = hot
    }
    if let hot = try spec.decodeIfPresent(Double.self, forKey: .hotWrites) {
      guard (0...1).contains(hot) else {
        throw spec.failure(.hotWrites, "hot-writes must be in [0, 1]")
      }
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

  /// A size written `1G`, `512M` or as a byte count.
  func size(_ key: Key) throws -> UInt64 {
    if let bytes = try? decode(UInt64.self, forKey: key) { return bytes }
    let text = try decode(String.self, forKey: key)
    guard let bytes = ByteSize.parse(text), bytes > 0 else {
      throw failure(key, "bad size '\(text)' (e.g. 1G, 512M)")
    }
    return bytes
  }

  /// A whole number written in decimal or as `0x…` hex.
  func number(_ key: Key) throws -> UInt64 {
    if let value = try? decode(UInt64.self, forKey: key) { return value }
    let text = try decode(String.self, forKey: key)
    let lowered = text.lowercased()
    let value =
      lowered.hasPrefix("0x") ? UInt64(lowered.dropFirst(2), radix: 16) : UInt64(lowered)
    guard let value else { throw failure(key, "bad number '\(text)'") }
    return value
  }

  func duration(_ text: String, _ key: Key) throws -> Double {
    guard let seconds = Units.parseDuration(text) else {
      throw failure(key, "bad duration '\(text)' (e.g. 300ms, 2s)")
    }
    return seconds
  }

  func release(_ key: Key) throws -> SolarisRelease? {
    guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
    guard let release = SolarisRelease(rawValue: text) else {
      throw failure(key, "bad os '\(text)' (expected solaris10 or solaris11)")
    }
    return release
  }
}
