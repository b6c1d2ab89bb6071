import Hypervisor

/// Evaluates every pre-check of a migration request against the two hosts, changing nothing.
///
/// The engine replays these results over phase 1 and stops at the first failure; a dry run
/// (`-n`) reports them all.
public enum PreCheckEvaluator {
  public static func evaluate(_ request: MigrationRequest, source: Host, target: Host?)
    -> [PreCheckResult]
  {
    guard let target, target.name != source.name else {
      let line =
        target == nil
        ? "Failed to establish connection with ldmd(1m) on target: \(request.targetHost)"
        : "The target machine \(request.targetHost) is the source machine"
      return [PreCheckResult(.targetReachable, detail: request.targetHost, failures: [line])]
    }
    var results = [
      PreCheckResult(.targetReachable, detail: "ldmd on \(target.name) answered")
    ]
    guard target.users[request.user] == request.password else {
      results.append(
        PreCheckResult(
          .authentication, detail: "\(request.user)@\(target.name)",
          failures: ["Authentication to \(target.name) as \(request.user) failed"]))
      return results
    }
    results.append(PreCheckResult(.authentication, detail: "\(request.user)@\(target.name)"))
    guard let domain = source.domain(named: request.domain) else {
      results.append(
        PreCheckResult(
          .domainState, detail: request.domain, failures: ["Domain \(request.domain) not found"]))
      return results
    }
    results.append(software(source: source, target: target, domain: domain))
    results.append(state(of: domain))
    results.append(name(request.targetName, on: target))
    results.append(directIO(domain))
    if domain.state.holdsResources {
      results.append(cpus(domain, target: target))
    }
    results.append(cpuType(domain, source: source, target: target, force: request.force))
    if domain.state.holdsResources {
      results.append(memory(domain, target: target))
    }
    results.append(disks(domain, target: target))
    results.append(services(domain, target: target))
    if domain.state.holdsResources {
      results.append(consolePort(domain, target: target))
    }
    return results
  }

  static func software(source: Host, target: Host, domain: Domain) -> PreCheckResult {
    var failures: [String] = []
    let floor = ManagerVersion.liveMigration
    for host in [source, target] where host.managerVersion < floor {
      let side = host === source ? "source" : "target"
      failures.append(
        "Oracle VM Server for SPARC \(floor) or later is required on the \(side)"
          + " machine (\(host.name) runs \(host.managerVersion))")
    }
    return PreCheckResult(
      .software,
      detail: "manager \(source.managerVersion) on \(source.name), \(target.managerVersion)"
        + " on \(target.name)", failures: failures)
  }

  static func state(of domain: Domain) -> PreCheckResult {
    if domain.migrationRole != nil {
      return PreCheckResult(
        .domainState, detail: domain.state.rawValue,
        failures: ["Domain \(domain.name) is already being migrated"])
    }
    if domain.isControl {
      return PreCheckResult(
        .domainState, detail: "control domain",
        failures: ["Domain \(domain.name) is the control domain and cannot be migrated"])
    }
    let kind = domain.state == .active ? "live" : "cold"
    return PreCheckResult(.domainState, detail: "\(domain.state.rawValue): \(kind) migration")
  }

  static func name(_ name: String, on target: Host) -> PreCheckResult {
    guard target.domain(named: name) == nil else {
      return PreCheckResult(
        .targetName, detail: name,
        failures: ["Domain \(name) already exists on the target machine"])
    }
    return PreCheckResult(.targetName, detail: "\(name) is free on \(target.name)")
  }

  static func directIO(_ domain: Domain) -> PreCheckResult {
    guard domain.ioDevices.isEmpty else {
      let devices = domain.ioDevices.joined(separator: ", ")
      return PreCheckResult(
        .directIO, detail: devices,
        failures: [
          "Domain \(domain.name) has direct I/O devices (\(devices)) and cannot be"
            + " migrated"
        ])
    }
    return PreCheckResult(.directIO, detail: "no physical I/O devices")
  }

  static func cpus(_ domain: Domain, target: Host) -> PreCheckResult {
    let free = target.freeStrandCount
    guard free >= domain.vcpuCount else {
      return PreCheckResult(
        .cpus, detail: "\(domain.vcpuCount) of \(free)",
        failures: [
          "Not enough free VCPUs on the target machine: \(domain.vcpuCount) required,"
            + " \(free) available"
        ])
    }
    return PreCheckResult(.cpus, detail: "\(domain.vcpuCount) vCPU, \(free) free on \(target.name)")
  }

  static func cpuType(_ domain: Domain, source: Host, target: Host, force: Bool)
    -> PreCheckResult
  {
    let sameType = source.cpu.type == target.cpu.type
    if domain.cpuArch == .native {
      if !sameType {
        return PreCheckResult(
          .cpuType, detail: "cpu-arch=native",
          failures: [
            "Target CPU type \(target.cpu.type) does not match source CPU type"
              + " \(source.cpu.type); set cpu-arch=generic for a cross-CPU migration"
          ])
      }
      if domain.os == .solaris10, source.cpu.stickFrequency != target.cpu.stickFrequency {
        return PreCheckResult(
          .cpuType, detail: "cpu-arch=native, Solaris 10",
          failures: [
            "Target stick frequency \(hexAddress(target.cpu.stickFrequency)) does not"
              + " match source stick frequency \(hexAddress(source.cpu.stickFrequency));"
              + " Solaris 10 guests need the same stick frequency"
          ])
      }
      return PreCheckResult(
        .cpuType, detail: "\(source.cpu.type) on both machines, cpu-arch=native")
    }
    // cpu-arch=generic or migration-class1: the cross-CPU rules.
    var failures: [String] = []
    for host in [source, target] where !host.cpu.supportsCrossCPUMigration {
      failures.append(
        "Cross-CPU migration requires UltraSPARC T2+ or newer; \(host.name) has"
          + " \(host.cpu.type)")
    }
    if domain.os != .solaris11 {
      failures.append(
        "Cross-CPU migration requires Solaris 11 in the guest; \(domain.name) runs"
          + " \(domain.os.displayName)")
    }
    let floor = ManagerVersion.crossCPUMigration
    if source.managerVersion < floor || target.managerVersion < floor {
      failures.append(
        "Cross-CPU migration requires Oracle VM Server for SPARC \(floor) or later"
          + " on both machines")
    }
    if failures.isEmpty, !sameType, !force {
      failures.append(
        "Warning: \(domain.name) would move from a \(source.cpu.type) to a"
          + " \(target.cpu.type) processor with cpu-arch=\(domain.cpuArch.rawValue); use -f to"
          + " proceed")
    }
    return PreCheckResult(
      .cpuType,
      detail: "\(source.cpu.type) to \(target.cpu.type), cpu-arch=\(domain.cpuArch.rawValue)",
      failures: failures)
  }

  static func memory(_ domain: Domain, target: Host) -> PreCheckResult {
    var trial = target.physicalMemory
    var placed: [String] = []
    var failures: [String] = []
    for block in domain.memoryBlocks {
      if let physical = trial.allocate(block.size) {
        placed.append(
          "\(ByteSize.format(block.size)) at RA \(hexAddress(block.realAddress))"
            + " fits PA \(hexAddress(physical))")
      } else {
        failures.append(
          "Unable to bind \(ByteSize.format(block.size)) memory region at real"
            + " address \(hexAddress(block.realAddress))")
      }
    }
    return PreCheckResult(
      .memory,
      detail: failures.isEmpty
        ? placed.joined(separator: "; ")
        : "\(ByteSize.format(domain.memorySize)) needed,"
          + " \(ByteSize.format(target.physicalMemory.freeBytes)) free in"
          + " \(target.physicalMemory.free.count) ranges", failures: failures)
  }

  static func disks(_ domain: Domain, target: Host) -> PreCheckResult {
    var failures: [String] = []
    for disk in domain.disks {
      guard let service = target.diskService(named: disk.service) else {
        failures.append(
          "Virtual disk service \(disk.service) does not exist on the target"
            + " machine")
        continue
      }
      if service.volume(named: disk.volume) == nil {
        failures.append("Volume \(disk.volumeReference) is not defined on the target machine")
      }
    }
    let names = domain.disks.map(\.volumeReference).joined(separator: ", ")
    return PreCheckResult(
      .virtualDisks, detail: names.isEmpty ? "no virtual disks" : names, failures: failures)
  }

  static func services(_ domain: Domain, target: Host) -> PreCheckResult {
    var failures: [String] = []
    var seen: Set<String> = []
    for network in domain.networks where seen.insert(network.switchName).inserted {
      if target.virtualSwitch(named: network.switchName) == nil {
        failures.append(
          "Virtual switch \(network.switchName) does not exist on the target"
            + " machine")
      }
    }
    if domain.consoleGroup != nil, target.consoleConcentrators.isEmpty {
      failures.append(
        "Domain \(domain.name) is in console group \(domain.consoleGroup!) but"
          + " the target machine has no virtual console concentrator")
    }
    return PreCheckResult(
      .virtualServices,
      detail: (Array(seen).sorted() + domain.disks.map(\.service)).joined(separator: ", "),
      failures: failures)
  }

  static func consolePort(_ domain: Domain, target: Host) -> PreCheckResult {
    guard let vcc = target.consoleConcentrator else {
      return PreCheckResult(.consolePort, detail: "no console concentrator on the target")
    }
    guard vcc.freePortCount > 0 else {
      return PreCheckResult(
        .consolePort, detail: vcc.name,
        failures: [
          "No free port in virtual console concentrator \(vcc.name) on the target"
            + " machine"
        ])
    }
    return PreCheckResult(
      .consolePort, detail: "\(vcc.freePortCount) free in \(vcc.name)")
  }
}
