import Hypervisor

/// The checks only the destination can answer, evaluated against its own host for the
/// source's ``MigrationRequirements``; nothing is changed.
public enum TargetChecks {
  /// Every destination check, in announcement order (inactive domains reserve nothing, so
  /// the CPU, memory and console-port checks do not apply to them).
  public static func evaluate(_ needs: MigrationRequirements, on target: Host) -> [PreCheckResult] {
    var results = [software(needs, target: target), name(needs.targetName, on: target)]
    if needs.state.holdsResources { results.append(cpus(needs, target: target)) }
    results.append(cpuType(needs, target: target))
    if needs.state.holdsResources { results.append(memory(needs, target: target)) }
    results.append(disks(needs, target: target))
    results.append(services(needs, target: target))
    if needs.state.holdsResources { results.append(consolePort(target: target)) }
    return results
  }

  static func software(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    let floor = ManagerVersion.liveMigration
    var failures: [PreCheckFailure] = []
    if needs.sourceManager < floor {
      failures.append(
        .managerTooOld(
          side: .source, host: needs.sourceCPU.host, version: needs.sourceManager, required: floor))
    }
    if target.managerVersion < floor {
      failures.append(
        .managerTooOld(
          side: .target, host: target.name, version: target.managerVersion, required: floor))
    }
    return PreCheckResult(
      .software,
      .managers(
        source: needs.sourceManager, target: target.managerVersion,
        sourceHost: needs.sourceCPU.host, targetHost: target.name), failures: failures)
  }

  static func name(_ name: String, on target: Host) -> PreCheckResult {
    guard target.domain(named: name) == nil else {
      return PreCheckResult(.targetName, .nameTaken(name: name), failures: [.nameTaken(name: name)])
    }
    return PreCheckResult(.targetName, .nameFree(name: name, host: target.name))
  }

  static func cpus(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    let free = target.freeStrandCount
    let finding = PreCheckFinding.cpus(required: needs.vcpuCount, free: free, host: target.name)
    guard free >= needs.vcpuCount else {
      return PreCheckResult(
        .cpus, finding, failures: [.notEnoughCPUs(required: needs.vcpuCount, available: free)])
    }
    return PreCheckResult(.cpus, finding)
  }

  static func cpuType(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    let source = needs.sourceCPU
    let sameType = source.type == target.cpu.type
    if needs.cpuArch == .native {
      if !sameType {
        return PreCheckResult(
          .cpuType, .sameCPU(type: source.type),
          failures: [.cpuTypeMismatch(target: target.cpu.type, source: source.type)])
      }
      if needs.os == .solaris10, source.stickFrequency != target.cpu.stickFrequency {
        return PreCheckResult(
          .cpuType, .nativeSolaris10,
          failures: [
            .stickFrequencyMismatch(
              target: target.cpu.stickFrequency, source: source.stickFrequency)
          ])
      }
      return PreCheckResult(.cpuType, .sameCPU(type: source.type))
    }
    // cpu-arch=generic or migration-class1: the cross-CPU rules.
    var failures: [PreCheckFailure] = []
    if !source.supportsCrossCPUMigration {
      failures.append(.crossCPUProcessor(host: source.host, type: source.type))
    }
    if !target.cpu.supportsCrossCPUMigration {
      failures.append(.crossCPUProcessor(host: target.name, type: target.cpu.type))
    }
    if needs.os != .solaris11 {
      failures.append(.crossCPUGuestOS(domain: needs.domain, os: needs.os))
    }
    let floor = ManagerVersion.crossCPUMigration
    if needs.sourceManager < floor || target.managerVersion < floor {
      failures.append(.crossCPUManager(required: floor))
    }
    if failures.isEmpty, !sameType, !needs.force {
      failures.append(
        .crossCPUNeedsForce(
          domain: needs.domain, sourceType: source.type, targetType: target.cpu.type,
          arch: needs.cpuArch))
    }
    return PreCheckResult(
      .cpuType,
      .crossCPU(sourceType: source.type, targetType: target.cpu.type, arch: needs.cpuArch),
      failures: failures)
  }

  static func memory(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    var trial = target.physicalMemory
    var placed: [MemoryPlacement] = []
    var failures: [PreCheckFailure] = []
    for block in needs.blocks {
      if let physical = trial.allocate(block.size) {
        placed.append(
          MemoryPlacement(
            size: block.size, realAddress: block.realAddress, physicalAddress: physical))
      } else {
        failures.append(.memoryRegion(size: block.size, realAddress: block.realAddress))
      }
    }
    guard failures.isEmpty else {
      return PreCheckResult(
        .memory,
        .memoryShort(
          needed: needs.memorySize, free: target.physicalMemory.freeBytes,
          ranges: target.physicalMemory.free.count), failures: failures)
    }
    return PreCheckResult(.memory, .memoryPlaced(placed))
  }

  static func disks(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    var failures: [PreCheckFailure] = []
    for disk in needs.disks {
      guard let service = target.diskService(named: disk.service) else {
        failures.append(.diskServiceMissing(service: disk.service))
        continue
      }
      if service.volume(named: disk.volume) == nil {
        failures.append(.volumeMissing(reference: disk.reference))
      }
    }
    return PreCheckResult(.virtualDisks, .disks(needs.disks.map(\.reference)), failures: failures)
  }

  static func services(_ needs: MigrationRequirements, target: Host) -> PreCheckResult {
    var failures: [PreCheckFailure] = []
    for name in needs.switches where target.virtualSwitch(named: name) == nil {
      failures.append(.switchMissing(name: name))
    }
    if let group = needs.consoleGroup, target.consoleConcentrators.isEmpty {
      failures.append(.consoleGroupWithoutConcentrator(domain: needs.domain, group: group))
    }
    return PreCheckResult(
      .virtualServices, .services(needs.switches.sorted() + needs.disks.map(\.service)),
      failures: failures)
  }

  static func consolePort(target: Host) -> PreCheckResult {
    guard let vcc = target.consoleConcentrator else {
      return PreCheckResult(.consolePort, .noConsoleConcentrator)
    }
    guard vcc.freePortCount > 0 else {
      return PreCheckResult(
        .consolePort, .consoleConcentratorFull(vcc.name),
        failures: [.noFreeConsolePort(concentrator: vcc.name)])
    }
    return PreCheckResult(
      .consolePort, .consolePorts(free: vcc.freePortCount, concentrator: vcc.name))
  }
}
