import Hypervisor

/// `ldm list-services`: the VCC, VSW and VDS sections, each omitted when the host has none.
public enum ServicesFormatter {
  public static func lines(_ host: HostSnapshot) -> [String] {
    var sections: [[String]] = []
    if !host.consoleConcentrators.isEmpty {
      var table = TextTable(
        headers: ["NAME", "LDOM", "PORT-RANGE"], minimumWidths: [13, 13, 0], indent: "    ")
      for vcc in host.consoleConcentrators {
        table.append([vcc.name, vcc.domain, "\(vcc.ports.lowerBound)-\(vcc.ports.upperBound)"])
      }
      sections.append(["VCC"] + table.lines)
    }
    if !host.switches.isEmpty {
      var table = TextTable(
        headers: ["NAME", "LDOM", "MAC", "NET-DEV"], minimumWidths: [13, 13, 18, 0],
        indent: "    ")
      for vsw in host.switches {
        table.append([vsw.name, vsw.domain, vsw.mac, vsw.netDevice])
      }
      sections.append(["VSW"] + table.lines)
    }
    if !host.diskServices.isEmpty {
      var table = TextTable(
        headers: ["NAME", "LDOM", "VOLUME", "OPTIONS", "DEVICE"],
        minimumWidths: [13, 13, 15, 17, 0], indent: "    ")
      for vds in host.diskServices {
        guard !vds.volumes.isEmpty else {
          table.append([vds.name, vds.domain, "", "", ""])
          continue
        }
        // As ldm does, the service and its domain are named on its first volume's row only.
        for (index, volume) in vds.volumes.enumerated() {
          let first = index == 0
          table.append([
            first ? vds.name : "", first ? vds.domain : "", volume.name, volume.options,
            volume.device,
          ])
        }
      }
      sections.append(["VDS"] + table.lines)
    }
    return Array(sections.joined(separator: [""]))
  }
}
