import Hypervisor

/// Applies the lifecycle, service and device commands to a host. Every ``Host`` operation
/// either succeeds whole or throws and changes nothing, so neither does this.
enum LifecycleExecutor {
  static func execute(_ command: LdmCommand, on host: Host) throws(HypervisorError) {
    do {
      try apply(command, on: host)
    } catch let error as HypervisorError {
      throw error
    } catch {
      throw HypervisorError("\(error)")
    }
  }

  private static func apply(_ command: LdmCommand, on host: Host) throws {
    switch command {
    case .setCPUArch(let arch, let domain): try host.setCPUArch(arch, of: domain)
    case .addDomain(let domain): try host.addDomain(domain)
    case .setVCPUs(let count, let domain): try host.setVCPUs(count, of: domain)
    case .setMemory(let size, let domain): try host.setMemory(size, of: domain)
    case .bindDomain(let domain): try host.bind(domain)
    case .startDomain(let domain): try host.start(domain)
    case .stopDomain(let domain): try host.stop(domain)
    case .unbindDomain(let domain): try host.unbind(domain)
    case .removeDomain(let domain): try host.removeDomain(domain)
    case .addDiskService(let service, let domain):
      try host.addDiskService(service, domain: domain)
    case .removeDiskService(let service): try host.removeDiskService(service)
    case .addVolume(let reference, let backend, let options):
      try host.addVolume(
        reference.volume, service: reference.service, device: backend, options: options)
    case .removeVolume(let reference):
      try host.removeVolume(reference.volume, service: reference.service)
    case .addSwitch(let name, let domain, let netDevice):
      try host.addSwitch(name, domain: domain, netDevice: netDevice)
    case .removeSwitch(let name): try host.removeSwitch(name)
    case .addConsoleConcentrator(let name, let domain, let ports):
      try host.addConsoleConcentrator(name, domain: domain, ports: ports)
    case .removeConsoleConcentrator(let name): try host.removeConsoleConcentrator(name)
    case .addDisk(let disk, let volume, let domain):
      try host.addDisk(disk, volume: volume.volume, service: volume.service, to: domain)
    case .removeDisk(let disk, let domain): try host.removeDisk(disk, from: domain)
    case .addNetwork(let vnet, let switchName, let domain):
      try host.addNetwork(vnet, switch: switchName, to: domain)
    case .removeNetwork(let vnet, let domain): try host.removeNetwork(vnet, from: domain)
    case .listDomains, .listServices, .migrate, .cancelMigration, .psrinfo, .prtconf:
      preconditionFailure("\(command) is not a lifecycle command")
    }
  }
}
