import Hypervisor
import Migration

/// The words of the pre-checks: each failure as the one line ldm prints, each finding as the
/// log's detail.
extension PreCheckFailure {
  public var line: String {
    switch self {
    case .unreachable(let host):
      "Failed to establish connection with ldmd(1m) on target: \(oneLine(host))"
    case .targetIsSource(let host): "The target machine \(host) is the source machine"
    case .authenticationFailed(let user, let host):
      "Authentication to \(host) as \(oneLine(user)) failed"
    case .managerTooOld(let side, let host, let version, let required):
      "Oracle VM Server for SPARC \(required) or later is required on the \(side.rawValue)"
        + " machine (\(host) runs \(version))"
    case .domainNotFound(let name): "Domain \(oneLine(name)) not found"
    case .alreadyMigrating(let domain): "Domain \(domain) is already being migrated"
    case .controlDomain(let domain):
      "Domain \(domain) is the control domain and cannot be migrated"
    case .nameTaken(let name): "Domain \(oneLine(name)) already exists on the target machine"
    case .directIO(let domain, let devices):
      "Domain \(domain) has direct I/O devices (\(devices.joined(separator: ", "))) and cannot"
        + " be migrated"
    case .notEnoughCPUs(let required, let available):
      "Not enough free VCPUs on the target machine: \(required) required, \(available) available"
    case .cpuTypeMismatch(let target, let source):
      "Target CPU type \(target) does not match source CPU type \(source); set cpu-arch=generic"
        + " for a cross-CPU migration"
    case .stickFrequencyMismatch(let target, let source):
      "Target stick frequency \(hexAddress(target)) does not match source stick frequency"
        + " \(hexAddress(source)); Solaris 10 guests need the same stick frequency"
    case .crossCPUProcessor(let host, let type):
      "Cross-CPU migration requires UltraSPARC T2+ or newer; \(host) has \(type)"
    case .crossCPUGuestOS(let domain, let os):
      "Cross-CPU migration requires Solaris 11 in the guest; \(domain) runs \(os.displayName)"
    case .crossCPUManager(let required):
      "Cross-CPU migration requires Oracle VM Server for SPARC \(required) or later on both"
        + " machines"
    case .crossCPUNeedsForce(let domain, let sourceType, let targetType, let arch):
      "Warning: \(domain) would move from a \(sourceType) to a \(targetType) processor with"
        + " cpu-arch=\(arch.rawValue); use -f to proceed"
    case .memoryRegion(let size, let realAddress):
      "Unable to bind \(ByteSize.format(size)) memory region at real address"
        + " \(hexAddress(realAddress))"
    case .diskServiceMissing(let service):
      "Virtual disk service \(service) does not exist on the target machine"
    case .volumeMissing(let reference):
      "Volume \(reference) is not defined on the target machine"
    case .switchMissing(let name): "Virtual switch \(name) does not exist on the target machine"
    case .consoleGroupWithoutConcentrator(let domain, let group):
      "Domain \(domain) is in console group \(group) but the target machine has no virtual"
        + " console concentrator"
    case .noFreeConsolePort(let concentrator):
      "No free port in virtual console concentrator \(concentrator) on the target machine"
    }
  }
}

extension PreCheckResult {
  /// What was verified, for the log (`1G at RA 0x8000000 fits PA 0x400000000`).
  public var detail: String {
    switch finding {
    case .targetAnswered(let host): "ldmd on \(host) answered"
    case .targetUnreachable(let host): oneLine(host)
    case .authenticated(let user, let host): "\(oneLine(user))@\(host)"
    case .managers(let source, let target, let sourceHost, let targetHost):
      "manager \(source) on \(sourceHost), \(target) on \(targetHost)"
    case .domainState(let state, let live): "\(state.rawValue): \(live ? "live" : "cold") migration"
    case .controlDomain: "control domain"
    case .domainMissing(let name): oneLine(name)
    case .nameFree(let name, let host): "\(name) is free on \(host)"
    case .nameTaken(let name): oneLine(name)
    case .noDirectIO: "no physical I/O devices"
    case .directIO(let devices): devices.joined(separator: ", ")
    case .cpus(let required, let free, let host):
      passed ? "\(required) vCPU, \(free) free on \(host)" : "\(required) of \(free)"
    case .sameCPU(let type):
      passed ? "\(type) on both machines, cpu-arch=native" : "cpu-arch=native"
    case .nativeSolaris10: "cpu-arch=native, Solaris 10"
    case .crossCPU(let sourceType, let targetType, let arch):
      "\(sourceType) to \(targetType), cpu-arch=\(arch.rawValue)"
    case .memoryPlaced(let placements):
      placements.map {
        "\(ByteSize.format($0.size)) at RA \(hexAddress($0.realAddress)) fits PA"
          + " \(hexAddress($0.physicalAddress))"
      }.joined(separator: "; ")
    case .memoryShort(let needed, let free, let ranges):
      "\(ByteSize.format(needed)) needed, \(ByteSize.format(free)) free in \(ranges) ranges"
    case .disks(let references):
      references.isEmpty ? "no virtual disks" : references.joined(separator: ", ")
    case .services(let names): names.joined(separator: ", ")
    case .consolePorts(let free, let concentrator): "\(free) free in \(concentrator)"
    case .noConsoleConcentrator: "no console concentrator on the target"
    case .consoleConcentratorFull(let name): name
    }
  }

  /// Every failure line.
  public var lines: [String] { failures.map(\.line) }
}
