import Hypervisor

/// `ldm list -l NAME`: the summary line, then the sections a migration needs, modelled on
/// the long listing of Oracle VM Server for SPARC 3.x (blank line between sections, tables
/// indented by four).
public enum LongListFormatter {
  public static func lines(_ domain: DomainSnapshot, on host: HostSnapshot) -> [String] {
    var sections: [[String]] = [DomainListFormatter.table([domain])]
    if domain.showsActivity {
      sections.append(["SOFTSTATE", "Solaris running"])
    }
    if !domain.strands.isEmpty {
      var table = TextTable(
        headers: ["VID", "PID", "UTIL", "STRAND"], minimumWidths: [7, 7, 7, 0], indent: "    ")
      let util = domain.showsActivity ? DomainListFormatter.utilisation(domain) + "%" : ""
      for (vid, pid) in domain.strands.enumerated() {
        table.append([String(vid), String(pid), util, "100%"])
      }
      sections.append(["VCPU"] + table.lines)
    }
    if !domain.memoryBlocks.isEmpty {
      var table = TextTable(
        headers: ["RA", "PA", "SIZE"], minimumWidths: [17, 17, 0], indent: "    ")
      for block in domain.memoryBlocks {
        table.append([
          hexAddress(block.realAddress), hexAddress(block.physicalAddress),
          ByteSize.format(block.size),
        ])
      }
      sections.append(["MEMORY"] + table.lines)
    }
    if !domain.variables.isEmpty {
      sections.append(["VARIABLES"] + domain.variables.map { "    \($0.name)=\($0.value)" })
    }
    if let network = networkSection(domain, host: host) { sections.append(network) }
    if let disk = diskSection(domain, host: host) { sections.append(disk) }
    sections.append(consoleSection(domain, host: host))
    if !domain.ioDevices.isEmpty {
      sections.append(["IO", "    DEVICE"] + domain.ioDevices.map { "    \($0)" })
    }
    return Array(sections.joined(separator: [""]))
  }

  static func networkSection(_ domain: DomainSnapshot, host: HostSnapshot) -> [String]? {
    guard !domain.networks.isEmpty else { return nil }
    var table = TextTable(
      headers: ["NAME", "SERVICE", "ID", "DEVICE", "MAC"], minimumWidths: [13, 28, 5, 11, 0],
      indent: "    ")
    for network in domain.networks {
      let owner = host.switches.first { $0.name == network.switchName }?.domain
      table.append([
        network.name, qualified(network.switchName, owner), String(network.id),
        "network@\(network.id)", network.mac,
      ])
    }
    return ["NETWORK"] + table.lines
  }

  static func diskSection(_ domain: DomainSnapshot, host: HostSnapshot) -> [String]? {
    guard !domain.disks.isEmpty else { return nil }
    var table = TextTable(
      headers: ["NAME", "VOLUME", "ID", "DEVICE", "SERVER"], minimumWidths: [13, 28, 5, 8, 0],
      indent: "    ")
    for disk in domain.disks {
      let server = host.diskServices.first { $0.name == disk.service }?.domain ?? ""
      table.append([
        disk.name, disk.volumeReference, String(disk.id), "disk@\(disk.id)", server,
      ])
    }
    return ["DISK"] + table.lines
  }

  /// The control domain's console is the service processor's UART; a guest's is a port of a
  /// console concentrator.
  static func consoleSection(_ domain: DomainSnapshot, host: HostSnapshot) -> [String] {
    if domain.isControl { return ["VCONS", "    NAME", "    UART"] }
    var table = TextTable(
      headers: ["NAME", "SERVICE", "PORT"], minimumWidths: [13, 28, 0], indent: "    ")
    let port = domain.consolePort
    let vcc = port.flatMap { port in host.consoleConcentrators.first { $0.ports.contains(port) } }
    table.append([
      domain.consoleGroup ?? domain.name, vcc.map { qualified($0.name, $0.domain) } ?? "",
      port.map(String.init) ?? "",
    ])
    return ["VCONS"] + table.lines
  }

  static func qualified(_ service: String, _ owner: String?) -> String {
    owner.map { "\(service)@\($0)" } ?? service
  }
}
