/// Turning a scenario into live hosts, with every inconsistency reported at its place in the
/// file.
extension Scenario {
  /// Builds the hosts. With `populateMemory` false, running guests boot with empty memory: the
  /// loader validates a file that way without filling gigabytes it is about to throw away.
  public func buildHosts(populateMemory: Bool = true) throws(YAMLPathError) -> [Host] {
    guard !hosts.isEmpty else {
      throw YAMLPathError(path: [AnyCodingKey(stringValue: "hosts")], reason: "no hosts")
    }
    var built: [Host] = []
    for (index, spec) in hosts.enumerated() {
      let path: [any CodingKey] = [
        AnyCodingKey(stringValue: "hosts"), AnyCodingKey(intValue: index)!,
      ]
      if let first = hosts.firstIndex(where: { $0.name == spec.name }), first != index {
        throw YAMLPathError(
          path: path + [AnyCodingKey(stringValue: "name")],
          reason: "duplicate host name '\(spec.name)'")
      }
      built.append(try spec.build(at: path, populateMemory: populateMemory))
    }
    return built
  }
}

extension Scenario.HostSpec {
  func build(at path: [any CodingKey], populateMemory: Bool) throws(YAMLPathError) -> Host {
    func at(_ keys: Any..., reason: String) -> YAMLPathError {
      let extra: [any CodingKey] = keys.map { key in
        if let index = key as? Int { return AnyCodingKey(intValue: index)! }
        return AnyCodingKey(stringValue: "\(key)")
      }
      return YAMLPathError(path: path + extra, reason: reason)
    }
    let host: Host
    do {
      host = try Host(
        name: name, cpu: cpu, os: os, managerVersion: manager, memory: memory,
        reservedRanges: reserved, users: users)
    } catch {
      throw at("reserved", reason: "\(error)")
    }
    let controls = domains.indices.filter { domains[$0].isControl }
    if controls.count > 1 {
      throw at("domains", controls[1], "control", reason: "a host has one control domain")
    }
    let owner = controls.first.map { domains[$0].name } ?? "primary"
    for (index, spec) in domains.enumerated() {
      if let first = domains.firstIndex(where: { $0.name == spec.name }), first != index {
        throw at("domains", index, "name", reason: "duplicate domain name '\(spec.name)'")
      }
      if spec.vcpus > cpu.strands {
        throw at(
          "domains", index, "vcpus",
          reason: "domain \(spec.name) has \(spec.vcpus) vCPUs but host \(name) has"
            + " \(cpu.strands) strands")
      }
      if spec.memory > memory {
        throw at(
          "domains", index, "memory",
          reason: "domain \(spec.name) needs \(ByteSize.format(spec.memory)) but host \(name)"
            + " has \(ByteSize.format(memory))")
      }
      if spec.isControl, spec.state != .active {
        throw at("domains", index, "state", reason: "the control domain must be active")
      }
      do {
        let domain = try host.addDomain(
          spec.name, vcpus: spec.vcpus, memory: spec.memory, isControl: spec.isControl,
          cpuArch: spec.cpuArch, os: spec.os, workload: spec.workload,
          bootFill: populateMemory ? spec.fill : 0, ioDevices: spec.io,
          consoleGroup: spec.consoleGroup)
        domain.requestedBlockSizes = spec.blocks
        domain.consolePort = spec.consolePort
      } catch {
        throw at("domains", index, "name", reason: "\(error)")
      }
    }
    /// Adds a service of `domain`, which the host must have; any refusal is reported at
    /// `services.KIND[INDEX]`.
    func addService(
      _ kind: String, _ index: Int, _ service: String, of domain: String,
      _ add: () throws -> Void
    ) throws(YAMLPathError) {
      guard host.domain(named: domain) != nil else {
        throw at(
          "services", kind, index,
          reason: "service \(service) belongs to domain \(domain), which host \(name) does not have"
        )
      }
      do {
        try add()
      } catch {
        throw at("services", kind, index, reason: "\(error)")
      }
    }
    for (index, vds) in diskServices.enumerated() {
      let domain = vds.domain.isEmpty ? owner : vds.domain
      try addService("vds", index, vds.name, of: domain) {
        try host.addDiskService(vds.name, domain: domain)
        for volume in vds.volumes {
          try host.addVolume(
            volume.name, service: vds.name, device: volume.device, options: volume.options)
        }
      }
    }
    for (index, vsw) in switches.enumerated() {
      let domain = vsw.domain ?? owner
      try addService("vsw", index, vsw.name, of: domain) {
        try host.addSwitch(vsw.name, domain: domain, netDevice: vsw.netDevice)
      }
    }
    for (index, vcc) in consoleConcentrators.enumerated() {
      let domain = vcc.domain ?? owner
      try addService("vcc", index, vcc.name, of: domain) {
        try host.addConsoleConcentrator(vcc.name, domain: domain, ports: vcc.ports)
      }
    }
    for (index, spec) in domains.enumerated() {
      for (diskIndex, disk) in spec.disks.enumerated() {
        do {
          try host.addDisk(disk.name, volume: disk.volume, service: disk.service, to: spec.name)
        } catch {
          throw at(
            "domains", index, "disks", diskIndex, "volume",
            reason: "volume \(disk.volume)@\(disk.service) is not defined on host \(name)")
        }
      }
      for (networkIndex, network) in spec.networks.enumerated() {
        do {
          try host.addNetwork(network.name, switch: network.switchName, to: spec.name)
        } catch {
          throw at(
            "domains", index, "networks", networkIndex, "switch",
            reason: "virtual switch \(network.switchName) is not defined on host \(name)")
        }
      }
    }
    // Bind in file order, the control domain first, as the host would have been set up.
    let order = controls + domains.indices.filter { !domains[$0].isControl }
    for index in order where domains[index].state != .inactive {
      let spec = domains[index]
      do {
        try host.bind(spec.name)
        if spec.state == .active {
          try host.start(spec.name)
          host.domain(named: spec.name)?.uptime = Double(spec.uptime)
        }
      } catch {
        throw at("domains", index, reason: "cannot bind domain \(spec.name): \(error)")
      }
    }
    return host
  }
}
