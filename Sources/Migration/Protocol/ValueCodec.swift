import Hypervisor

/// Encoding of the values messages carry: requirements, results, configurations, errors.
/// Decoders bound every number so that nothing the peer sends can trap the host model.
enum ValueCodec {
  // MARK: Small enums

  static func code(_ state: DomainState) -> UInt8 {
    switch state {
    case .active: 1
    case .bound: 2
    case .inactive: 3
    case .suspended: 4
    }
  }

  static func state(_ r: inout WireReader) throws(ProtocolError) -> DomainState {
    switch try r.u8("domain state") {
    case 1: return .active
    case 2: return .bound
    case 3: return .inactive
    case 4: return .suspended
    case let other: throw ProtocolError("domain state \(other) is unknown")
    }
  }

  static func code(_ arch: CPUArch) -> UInt8 {
    switch arch {
    case .native: 1
    case .generic: 2
    case .migrationClass1: 3
    }
  }

  static func arch(_ r: inout WireReader) throws(ProtocolError) -> CPUArch {
    switch try r.u8("cpu-arch") {
    case 1: return .native
    case 2: return .generic
    case 3: return .migrationClass1
    case let other: throw ProtocolError("cpu-arch \(other) is unknown")
    }
  }

  static func code(_ os: SolarisRelease) -> UInt8 { os == .solaris10 ? 10 : 11 }

  static func os(_ r: inout WireReader) throws(ProtocolError) -> SolarisRelease {
    switch try r.u8("os") {
    case 10: return .solaris10
    case 11: return .solaris11
    case let other: throw ProtocolError("os \(other) is neither Solaris 10 nor 11")
    }
  }

  static func encode(_ version: ManagerVersion, into w: inout WireWriter) {
    w.u16(UInt16(clamping: version.major))
    w.u16(UInt16(clamping: version.minor))
  }

  static func version(_ r: inout WireReader) throws(ProtocolError) -> ManagerVersion {
    ManagerVersion(major: Int(try r.u16("manager major")), minor: Int(try r.u16("manager minor")))
  }

  /// The most memory a domain may have: the most a host may have.
  static let maxMemory: UInt64 = 4 << 40

  static func memorySize(_ r: inout WireReader, _ what: String) throws(ProtocolError) -> UInt64 {
    let size = try r.u64(what, limit: maxMemory)
    guard size % UInt64(GuestMemory.pageSize) == 0 else {
      throw ProtocolError("\(what) \(size) is not a whole number of 8 KiB pages")
    }
    return size
  }

  // MARK: Requirements

  static func encode(_ needs: MigrationRequirements, into w: inout WireWriter) {
    w.string(needs.domain)
    w.string(needs.targetName)
    w.u8(code(needs.state))
    w.u32(UInt32(needs.vcpuCount))
    w.u64(needs.memorySize)
    w.count(needs.blocks.count)
    for block in needs.blocks {
      w.u64(block.realAddress)
      w.u64(block.size)
    }
    w.u8(code(needs.cpuArch))
    w.u8(code(needs.os))
    w.count(needs.disks.count)
    for disk in needs.disks {
      w.string(disk.volume)
      w.string(disk.service)
    }
    w.strings(needs.switches)
    w.optionalString(needs.consoleGroup)
    w.string(needs.sourceCPU.host)
    w.string(needs.sourceCPU.type)
    w.u64(needs.sourceCPU.stickFrequency)
    encode(needs.sourceManager, into: &w)
    w.bool(needs.force)
  }

  static func requirements(_ r: inout WireReader) throws(ProtocolError) -> MigrationRequirements {
    let domain = try r.string("domain")
    let targetName = try r.string("target name")
    let state = try state(&r)
    let vcpus = Int(try r.u32("vcpus"))
    guard vcpus <= 65535 else { throw ProtocolError("vcpus \(vcpus) is more than 65535") }
    let memory = try memorySize(&r, "memory size")
    let blocks = try self.blocks(&r, total: memory)
    let arch = try arch(&r)
    let os = try os(&r)
    let diskCount = try r.count("disk count", limit: ProtocolLimits.maxItems)
    var disks: [DiskReference] = []
    for _ in 0..<diskCount {
      disks.append(DiskReference(volume: try r.string("volume"), service: try r.string("service")))
    }
    let switches = try r.strings("switch", limit: ProtocolLimits.maxItems)
    let group = try r.optionalString("console group")
    let cpuHost = try r.string("source host")
    let cpuType = try r.string("source cpu type")
    let stick = try r.u64("source stick frequency")
    let manager = try version(&r)
    let force = try r.bool("force")
    return MigrationRequirements(
      domain: domain, targetName: targetName, state: state, vcpuCount: vcpus, memorySize: memory,
      blocks: blocks, cpuArch: arch, os: os, disks: disks, switches: switches, consoleGroup: group,
      sourceCPU: SourceProcessor(host: cpuHost, type: cpuType, stickFrequency: stick),
      sourceManager: manager, force: force)
  }

  /// Memory blocks that add up to `total` without wrapping; none for an inactive domain.
  static func blocks(_ r: inout WireReader, total: UInt64) throws(ProtocolError)
    -> [MemoryBlockRequest]
  {
    let count = try r.count("block count", limit: ProtocolLimits.maxItems)
    var blocks: [MemoryBlockRequest] = []
    var sum: UInt64 = 0
    for _ in 0..<count {
      let address = try r.u64("real address")
      let size = try memorySize(&r, "block size")
      guard size > 0, address <= UInt64.max - size else {
        throw ProtocolError("memory block at RA \(hexAddress(address)) of \(size) bytes wraps")
      }
      sum += size
      guard sum <= total else {
        throw ProtocolError("memory blocks add up to more than the domain's \(total) bytes")
      }
      blocks.append(MemoryBlockRequest(realAddress: address, size: size))
    }
    guard blocks.isEmpty || sum == total else {
      throw ProtocolError("memory blocks add up to \(sum) bytes, not the domain's \(total)")
    }
    return blocks
  }

  // MARK: Configuration

  static func encode(_ c: DomainConfiguration, into w: inout WireWriter) {
    w.string(c.name)
    w.u8(code(c.state))
    w.u32(UInt32(c.vcpuCount))
    w.u64(c.memorySize)
    w.count(c.blocks.count)
    for block in c.blocks {
      w.u64(block.realAddress)
      w.u64(block.size)
    }
    w.u8(code(c.cpuArch))
    w.u8(code(c.os))
    w.count(c.disks.count)
    for disk in c.disks {
      w.string(disk.name)
      w.string(disk.volume)
      w.string(disk.service)
      w.u32(UInt32(clamping: disk.id))
    }
    w.count(c.networks.count)
    for network in c.networks {
      w.string(network.name)
      w.string(network.switchName)
      w.string(network.mac)
      w.u32(UInt32(clamping: network.id))
    }
    w.optionalString(c.consoleGroup)
    w.strings(c.ioDevices)
    w.string(c.workload.name)
    w.f64(c.workload.pagesPerSecond)
    w.f64(c.workload.hotSetFraction)
    w.f64(c.workload.hotWriteFraction)
    w.f64(c.workload.utilisation)
    // The footprint and the content travel too: a guest writes the same pages with the
    // same kind of bytes after it moved.
    switch c.workload.footprint {
    case .fraction(let fraction):
      w.u8(0)
      w.f64(fraction)
    case .bytes(let bytes):
      w.u8(1)
      w.u64(bytes)
    }
    w.string(c.workload.content.rawValue)
    w.f64(c.bootFill)
    w.count(c.variables.count)
    for variable in c.variables {
      w.string(variable.name)
      w.string(variable.value)
    }
    w.f64(c.uptime)
  }

  static func configuration(_ r: inout WireReader) throws(ProtocolError) -> DomainConfiguration {
    let name = try r.string("name")
    let state = try state(&r)
    let vcpus = Int(try r.u32("vcpus"))
    guard vcpus <= 65535 else { throw ProtocolError("vcpus \(vcpus) is more than 65535") }
    let memory = try memorySize(&r, "memory size")
    let blocks = try self.blocks(&r, total: memory)
    let arch = try arch(&r)
    let os = try os(&r)
    let diskCount = try r.count("disk count", limit: ProtocolLimits.maxItems)
    var disks: [VirtualDisk] = []
    for _ in 0..<diskCount {
      disks.append(
        VirtualDisk(
          name: try r.string("disk name"), volume: try r.string("volume"),
          service: try r.string("service"), id: Int(try r.u32("disk id"))))
    }
    let networkCount = try r.count("network count", limit: ProtocolLimits.maxItems)
    var networks: [VirtualNetwork] = []
    for _ in 0..<networkCount {
      networks.append(
        VirtualNetwork(
          name: try r.string("vnet name"), switchName: try r.string("switch"),
          mac: try r.string("mac"), id: Int(try r.u32("vnet id"))))
    }
    let group = try r.optionalString("console group")
    let devices = try r.strings("io device", limit: ProtocolLimits.maxItems)
    let workloadName = try r.string("workload")
    let rate = try r.f64("workload rate", in: 0...1e9)
    let hotSet = try r.f64("hot set fraction", in: 0...1)
    let hotWrites = try r.f64("hot write fraction", in: 0...1)
    let utilisation = try r.f64("utilisation", in: 0...100)
    let footprint: Footprint
    switch try r.u8("footprint kind") {
    case 0:
      let fraction = try r.f64("footprint fraction", in: 0...1)
      guard fraction > 0 else { throw ProtocolError("footprint fraction 0 holds no page") }
      footprint = .fraction(fraction)
    case 1:
      let bytes = try r.u64("footprint size")
      guard bytes > 0, bytes <= memory else {
        throw ProtocolError("footprint of \(bytes) bytes is outside 1...\(memory)")
      }
      footprint = .bytes(bytes)
    case let kind:
      throw ProtocolError("footprint kind \(kind) is neither 0 (fraction) nor 1 (size)")
    }
    let contentName = try r.string("content profile")
    guard let content = ContentProfile(rawValue: contentName) else {
      throw ProtocolError("content profile '\(contentName)' is none this side knows")
    }
    let workload = Workload(
      name: workloadName, pagesPerSecond: rate, hotSetFraction: hotSet,
      hotWriteFraction: hotWrites, utilisation: utilisation, footprint: footprint,
      content: content)
    let bootFill = try r.f64("boot fill", in: 0...1)
    let variableCount = try r.count("variable count", limit: ProtocolLimits.maxItems)
    var variables: [DomainSnapshot.Variable] = []
    for _ in 0..<variableCount {
      variables.append(
        DomainSnapshot.Variable(name: try r.string("variable"), value: try r.string("value")))
    }
    let uptime = try r.f64("uptime", in: 0...1e12)
    guard state == .inactive || memory == 0 || !blocks.isEmpty else {
      throw ProtocolError(
        "a \(state.rawValue) domain of \(memory) bytes comes without memory blocks")
    }
    return DomainConfiguration(
      name: name, state: state, vcpuCount: vcpus, memorySize: memory,
      blocks: blocks.map { ($0.realAddress, $0.size) }, cpuArch: arch, os: os, disks: disks,
      networks: networks, consoleGroup: group, ioDevices: devices, workload: workload,
      bootFill: bootFill, variables: variables, uptime: uptime)
  }

  // MARK: Errors

  /// Text cut to what a protocol string holds, at a character boundary.
  static func bounded(_ text: String) -> String {
    guard text.utf8.count > ProtocolLimits.maxString else { return text }
    var cut = Substring(text)
    while cut.utf8.count > ProtocolLimits.maxString { cut = cut.dropLast() }
    return String(cut)
  }

  static func encode(_ error: PeerError, into w: inout WireWriter) {
    switch error {
    case .versionMismatch(let supported):
      w.u16(1)
      w.u16(UInt16(supported.lowerBound))
      w.u16(UInt16(supported.upperBound))
    case .protocolViolation(let reason):
      w.u16(2)
      w.string(bounded(reason))
    case .targetRefused(let reason):
      w.u16(3)
      w.string(bounded(reason))
    case .outOfMemory(let domain):
      w.u16(4)
      w.string(domain)
    case .digestMismatch(let target):
      w.u16(5)
      w.raw(target)
    case .shuttingDown:
      w.u16(6)
    }
  }

  static func peerError(_ r: inout WireReader) throws(ProtocolError) -> PeerError {
    switch try r.u16("error code") {
    case 1:
      let low = Int(try r.u16("lowest version"))
      let high = Int(try r.u16("highest version"))
      guard low <= high else { throw ProtocolError("version range \(low)...\(high) is empty") }
      return .versionMismatch(supported: low...high)
    case 2: return .protocolViolation(try r.string("reason"))
    case 3: return .targetRefused(try r.string("reason"))
    case 4: return .outOfMemory(domain: try r.string("domain"))
    case 5: return .digestMismatch(target: try r.raw("digest", count: 32))
    case 6: return .shuttingDown
    case let other: throw ProtocolError("error code \(other) is unknown")
    }
  }
}
