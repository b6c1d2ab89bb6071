import Hypervisor

/// Pre-check results on the wire: the check, what it found and each failure, by code.
extension ValueCodec {
  static func encode(_ result: PreCheckResult, into w: inout WireWriter) {
    w.u8(UInt8(PreCheck.allCases.firstIndex(of: result.check)! + 1))
    encode(result.finding, into: &w)
    w.count(result.failures.count)
    for failure in result.failures { encode(failure, into: &w) }
  }

  static func result(_ r: inout WireReader) throws(ProtocolError) -> PreCheckResult {
    let code = Int(try r.u8("check"))
    guard code >= 1, code <= PreCheck.allCases.count else {
      throw ProtocolError("pre-check \(code) is unknown")
    }
    let check = PreCheck.allCases[code - 1]
    let finding = try finding(&r)
    let count = try r.count("failure count", limit: ProtocolLimits.maxItems)
    var failures: [PreCheckFailure] = []
    for _ in 0..<count { failures.append(try failure(&r)) }
    return PreCheckResult(check, finding, failures: failures)
  }

  static func encode(_ finding: PreCheckFinding, into w: inout WireWriter) {
    switch finding {
    case .targetAnswered(let host):
      w.u8(1)
      w.string(host)
    case .targetUnreachable(let host):
      w.u8(2)
      w.string(host)
    case .authenticated(let user, let host):
      w.u8(3)
      w.string(user)
      w.string(host)
    case .managers(let source, let target, let sourceHost, let targetHost):
      w.u8(4)
      encode(source, into: &w)
      encode(target, into: &w)
      w.string(sourceHost)
      w.string(targetHost)
    case .domainState(let state, let live):
      w.u8(5)
      w.u8(code(state))
      w.bool(live)
    case .controlDomain: w.u8(6)
    case .domainMissing(let name):
      w.u8(7)
      w.string(name)
    case .nameFree(let name, let host):
      w.u8(8)
      w.string(name)
      w.string(host)
    case .nameTaken(let name):
      w.u8(9)
      w.string(name)
    case .noDirectIO: w.u8(10)
    case .directIO(let devices):
      w.u8(11)
      w.strings(devices)
    case .cpus(let required, let free, let host):
      w.u8(12)
      w.u32(UInt32(required))
      w.u32(UInt32(free))
      w.string(host)
    case .sameCPU(let type):
      w.u8(13)
      w.string(type)
    case .nativeSolaris10: w.u8(14)
    case .crossCPU(let sourceType, let targetType, let arch):
      w.u8(15)
      w.string(sourceType)
      w.string(targetType)
      w.u8(code(arch))
    case .memoryPlaced(let placements):
      w.u8(16)
      w.count(placements.count)
      for placement in placements {
        w.u64(placement.size)
        w.u64(placement.realAddress)
        w.u64(placement.physicalAddress)
      }
    case .memoryShort(let needed, let free, let ranges):
      w.u8(17)
      w.u64(needed)
      w.u64(free)
      w.u32(UInt32(ranges))
    case .disks(let references):
      w.u8(18)
      w.strings(references)
    case .services(let names):
      w.u8(19)
      w.strings(names)
    case .consolePorts(let free, let concentrator):
      w.u8(20)
      w.u32(UInt32(free))
      w.string(concentrator)
    case .noConsoleConcentrator: w.u8(21)
    case .consoleConcentratorFull(let name):
      w.u8(22)
      w.string(name)
    }
  }

  static func finding(_ r: inout WireReader) throws(ProtocolError) -> PreCheckFinding {
    let limit = ProtocolLimits.maxItems
    switch try r.u8("finding") {
    case 1: return .targetAnswered(host: try r.string("host"))
    case 2: return .targetUnreachable(host: try r.string("host"))
    case 3: return .authenticated(user: try r.string("user"), host: try r.string("host"))
    case 4:
      return .managers(
        source: try version(&r), target: try version(&r), sourceHost: try r.string("host"),
        targetHost: try r.string("host"))
    case 5: return .domainState(try state(&r), live: try r.bool("live"))
    case 6: return .controlDomain
    case 7: return .domainMissing(name: try r.string("name"))
    case 8: return .nameFree(name: try r.string("name"), host: try r.string("host"))
    case 9: return .nameTaken(name: try r.string("name"))
    case 10: return .noDirectIO
    case 11: return .directIO(devices: try r.strings("device", limit: limit))
    case 12:
      return .cpus(
        required: Int(try r.u32("required")), free: Int(try r.u32("free")),
        host: try r.string("host"))
    case 13: return .sameCPU(type: try r.string("cpu type"))
    case 14: return .nativeSolaris10
    case 15:
      return .crossCPU(
        sourceType: try r.string("cpu type"), targetType: try r.string("cpu type"),
        arch: try arch(&r))
    case 16:
      let count = try r.count("placement count", limit: limit)
      var placements: [MemoryPlacement] = []
      for _ in 0..<count {
        placements.append(
          MemoryPlacement(
            size: try r.u64("size"), realAddress: try r.u64("real address"),
            physicalAddress: try r.u64("physical address")))
      }
      return .memoryPlaced(placements)
    case 17:
      return .memoryShort(
        needed: try r.u64("needed"), free: try r.u64("free"), ranges: Int(try r.u32("ranges")))
    case 18: return .disks(try r.strings("volume", limit: limit))
    case 19: return .services(try r.strings("service", limit: limit))
    case 20:
      return .consolePorts(free: Int(try r.u32("free ports")), concentrator: try r.string("vcc"))
    case 21: return .noConsoleConcentrator
    case 22: return .consoleConcentratorFull(try r.string("vcc"))
    case let other: throw ProtocolError("pre-check finding \(other) is unknown")
    }
  }

  static func encode(_ failure: PreCheckFailure, into w: inout WireWriter) {
    switch failure {
    case .unreachable(let host):
      w.u8(1)
      w.string(host)
    case .targetIsSource(let host):
      w.u8(2)
      w.string(host)
    case .authenticationFailed(let user, let host):
      w.u8(3)
      w.string(user)
      w.string(host)
    case .managerTooOld(let side, let host, let version, let required):
      w.u8(4)
      w.u8(side == .source ? 1 : 2)
      w.string(host)
      encode(version, into: &w)
      encode(required, into: &w)
    case .domainNotFound(let name):
      w.u8(5)
      w.string(name)
    case .alreadyMigrating(let domain):
      w.u8(6)
      w.string(domain)
    case .controlDomain(let domain):
      w.u8(7)
      w.string(domain)
    case .nameTaken(let name):
      w.u8(8)
      w.string(name)
    case .directIO(let domain, let devices):
      w.u8(9)
      w.string(domain)
      w.strings(devices)
    case .notEnoughCPUs(let required, let available):
      w.u8(10)
      w.u32(UInt32(required))
      w.u32(UInt32(available))
    case .cpuTypeMismatch(let target, let source):
      w.u8(11)
      w.string(target)
      w.string(source)
    case .stickFrequencyMismatch(let target, let source):
      w.u8(12)
      w.u64(target)
      w.u64(source)
    case .crossCPUProcessor(let host, let type):
      w.u8(13)
      w.string(host)
      w.string(type)
    case .crossCPUGuestOS(let domain, let os):
      w.u8(14)
      w.string(domain)
      w.u8(code(os))
    case .crossCPUManager(let required):
      w.u8(15)
      encode(required, into: &w)
    case .crossCPUNeedsForce(let domain, let sourceType, let targetType, let arch):
      w.u8(16)
      w.string(domain)
      w.string(sourceType)
      w.string(targetType)
      w.u8(code(arch))
    case .memoryRegion(let size, let realAddress):
      w.u8(17)
      w.u64(size)
      w.u64(realAddress)
    case .diskServiceMissing(let service):
      w.u8(18)
      w.string(service)
    case .volumeMissing(let reference):
      w.u8(19)
      w.string(reference)
    case .switchMissing(let name):
      w.u8(20)
      w.string(name)
    case .consoleGroupWithoutConcentrator(let domain, let group):
      w.u8(21)
      w.string(domain)
      w.string(group)
    case .noFreeConsolePort(let concentrator):
      w.u8(22)
      w.string(concentrator)
    }
  }

  static func failure(_ r: inout WireReader) throws(ProtocolError) -> PreCheckFailure {
    switch try r.u8("failure") {
    case 1: return .unreachable(host: try r.string("host"))
    case 2: return .targetIsSource(host: try r.string("host"))
    case 3: return .authenticationFailed(user: try r.string("user"), host: try r.string("host"))
    case 4:
      let sideCode = try r.u8("side")
      guard sideCode == 1 || sideCode == 2 else {
        throw ProtocolError("side \(sideCode) is unknown")
      }
      return .managerTooOld(
        side: sideCode == 1 ? .source : .target, host: try r.string("host"),
        version: try version(&r), required: try version(&r))
    case 5: return .domainNotFound(name: try r.string("name"))
    case 6: return .alreadyMigrating(domain: try r.string("domain"))
    case 7: return .controlDomain(domain: try r.string("domain"))
    case 8: return .nameTaken(name: try r.string("name"))
    case 9:
      return .directIO(
        domain: try r.string("domain"),
        devices: try r.strings("device", limit: ProtocolLimits.maxItems))
    case 10:
      return .notEnoughCPUs(
        required: Int(try r.u32("required")), available: Int(try r.u32("available")))
    case 11:
      return .cpuTypeMismatch(target: try r.string("cpu type"), source: try r.string("cpu type"))
    case 12: return .stickFrequencyMismatch(target: try r.u64("stick"), source: try r.u64("stick"))
    case 13: return .crossCPUProcessor(host: try r.string("host"), type: try r.string("cpu type"))
    case 14: return .crossCPUGuestOS(domain: try r.string("domain"), os: try os(&r))
    case 15: return .crossCPUManager(required: try version(&r))
    case 16:
      return .crossCPUNeedsForce(
        domain: try r.string("domain"), sourceType: try r.string("cpu type"),
        targetType: try r.string("cpu type"), arch: try arch(&r))
    case 17: return .memoryRegion(size: try r.u64("size"), realAddress: try r.u64("real address"))
    case 18: return .diskServiceMissing(service: try r.string("service"))
    case 19: return .volumeMissing(reference: try r.string("volume"))
    case 20: return .switchMissing(name: try r.string("switch"))
    case 21:
      return .consoleGroupWithoutConcentrator(
        domain: try r.string("domain"), group: try r.string("group"))
    case 22: return .noFreeConsolePort(concentrator: try r.string("vcc"))
    case let other: throw ProtocolError("pre-check failure \(other) is unknown")
    }
  }
}
