/// Virtual I/O services and the virtual devices that use them.
extension Host {
  // MARK: Virtual disk services

  /// `ldm add-vds SERVICE DOMAIN`.
  public func addDiskService(_ service: String, domain owner: String) throws {
    _ = try existingDomain(owner)
    guard diskService(named: service) == nil else {
      throw HypervisorError("Virtual disk server \(service) already exists")
    }
    diskServices.append(VirtualDiskService(name: service, domain: owner))
    refreshServiceFlags()
  }

  /// `ldm rm-vds SERVICE`.
  public func removeDiskService(_ service: String) throws {
    guard let index = diskServices.firstIndex(where: { $0.name == service }) else {
      throw HypervisorError("Virtual disk server \(service) does not exist")
    }
    guard diskServices[index].volumes.isEmpty else {
      throw HypervisorError("Virtual disk server \(service) still exports volumes")
    }
    diskServices.remove(at: index)
    refreshServiceFlags()
  }

  /// `ldm add-vdsdev BACKEND VOLUME@SERVICE`.
  public func addVolume(_ volume: String, service: String, device: String, options: String = "")
    throws
  {
    guard let index = diskServices.firstIndex(where: { $0.name == service }) else {
      throw HypervisorError("Virtual disk server \(service) does not exist")
    }
    guard diskServices[index].volume(named: volume) == nil else {
      throw HypervisorError("Volume \(volume)@\(service) already exists")
    }
    diskServices[index].volumes.append(.init(name: volume, device: device, options: options))
  }

  /// `ldm rm-vdsdev VOLUME@SERVICE`; refused while a virtual disk uses the volume.
  public func removeVolume(_ volume: String, service: String) throws {
    guard let index = diskServices.firstIndex(where: { $0.name == service }),
      diskServices[index].volume(named: volume) != nil
    else {
      throw HypervisorError("Volume \(volume)@\(service) does not exist")
    }
    if let user = domains.first(where: { domain in
      domain.disks.contains { $0.volume == volume && $0.service == service }
    }) {
      throw HypervisorError("Volume \(volume)@\(service) is attached to domain \(user.name)")
    }
    diskServices[index].volumes.removeAll { $0.name == volume }
  }

  // MARK: Virtual switches

  /// `ldm add-vsw [net-dev=DEV] SWITCH DOMAIN`.
  public func addSwitch(_ name: String, domain owner: String, netDevice: String = "") throws {
    _ = try existingDomain(owner)
    guard virtualSwitch(named: name) == nil else {
      throw HypervisorError("Virtual switch \(name) already exists")
    }
    switches.append(
      VirtualSwitch(
        name: name, domain: owner, mac: macAddress(for: "vsw:\(name)"), netDevice: netDevice))
    refreshServiceFlags()
  }

  /// `ldm rm-vsw SWITCH`; refused while a vnet uses it.
  public func removeSwitch(_ name: String) throws {
    guard virtualSwitch(named: name) != nil else {
      throw HypervisorError("Virtual switch \(name) does not exist")
    }
    if let user = domains.first(where: { $0.networks.contains { $0.switchName == name } }) {
      throw HypervisorError("Virtual switch \(name) is attached to domain \(user.name)")
    }
    switches.removeAll { $0.name == name }
    refreshServiceFlags()
  }

  // MARK: Virtual console concentrators

  /// `ldm add-vcc port-range=LOW-HIGH NAME DOMAIN`.
  public func addConsoleConcentrator(_ name: String, domain owner: String, ports: ClosedRange<Int>)
    throws
  {
    _ = try existingDomain(owner)
    guard !consoleConcentrators.contains(where: { $0.name == name }) else {
      throw HypervisorError("Virtual console concentrator \(name) already exists")
    }
    if let clash = consoleConcentrators.first(where: { $0.ports.overlaps(ports) }) {
      throw HypervisorError(
        "Port range \(ports.lowerBound)-\(ports.upperBound) overlaps that of \(clash.name)")
    }
    consoleConcentrators.append(.init(name: name, domain: owner, ports: ports))
    refreshServiceFlags()
  }

  /// `ldm rm-vcc NAME`; refused while a domain holds one of its ports.
  public func removeConsoleConcentrator(_ name: String) throws {
    guard let vcc = consoleConcentrators.first(where: { $0.name == name }) else {
      throw HypervisorError("Virtual console concentrator \(name) does not exist")
    }
    if let owner = vcc.assigned.values.sorted().first {
      throw HypervisorError(
        "Virtual console concentrator \(name) is in use by domain \(owner)")
    }
    consoleConcentrators.removeAll { $0.name == name }
    refreshServiceFlags()
  }

  // MARK: Virtual devices of a domain

  /// `ldm add-vdisk DISK VOLUME@SERVICE DOMAIN`.
  public func addDisk(_ disk: String, volume: String, service: String, to name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard !domain.disks.contains(where: { $0.name == disk }) else {
      throw HypervisorError("Virtual disk \(disk) already exists in domain \(name)")
    }
    guard diskService(named: service)?.volume(named: volume) != nil else {
      throw HypervisorError("Volume \(volume)@\(service) does not exist")
    }
    let id = (domain.disks.map(\.id).max() ?? -1) + 1
    domain.disks.append(VirtualDisk(name: disk, volume: volume, service: service, id: id))
  }

  /// `ldm rm-vdisk DISK DOMAIN`.
  public func removeDisk(_ disk: String, from name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard domain.disks.contains(where: { $0.name == disk }) else {
      throw HypervisorError("Virtual disk \(disk) does not exist in domain \(name)")
    }
    domain.disks.removeAll { $0.name == disk }
  }

  /// `ldm add-vnet VNET SWITCH DOMAIN`.
  public func addNetwork(_ vnet: String, switch switchName: String, to name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard !domain.networks.contains(where: { $0.name == vnet }) else {
      throw HypervisorError("Virtual network device \(vnet) already exists in domain \(name)")
    }
    guard virtualSwitch(named: switchName) != nil else {
      throw HypervisorError("Virtual switch \(switchName) does not exist")
    }
    let id = (domain.networks.map(\.id).max() ?? -1) + 1
    domain.networks.append(
      VirtualNetwork(
        name: vnet, switchName: switchName, mac: macAddress(for: "vnet:\(name):\(vnet)"), id: id))
  }

  /// `ldm rm-vnet VNET DOMAIN`.
  public func removeNetwork(_ vnet: String, from name: String) throws {
    let domain = try existingDomain(name)
    try requireNotMigrating(domain)
    guard domain.networks.contains(where: { $0.name == vnet }) else {
      throw HypervisorError("Virtual network device \(vnet) does not exist in domain \(name)")
    }
    domain.networks.removeAll { $0.name == vnet }
  }

  /// A stable MAC in Oracle's `00:14:4f` range, derived from the device's identity.
  func macAddress(for identity: String) -> String {
    let hash = DeterministicRandom.hash("\(self.name)/\(identity)")
    let bytes = [
      0x00, 0x14, 0x4f, UInt8(0xf8 | (hash & 0x7)), UInt8((hash >> 8) & 0xff),
      UInt8((hash >> 16) & 0xff),
    ]
    return bytes.map { byte in
      let text = String(byte, radix: 16)
      return text.count == 1 ? "0" + text : text
    }.joined(separator: ":")
  }
}
