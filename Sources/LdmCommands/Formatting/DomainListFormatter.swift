import Hypervisor

/// `ldm list`, `ldm list -p` and the summary line of `ldm list -l`, from snapshots.
public enum DomainListFormatter {
  static let headers = ["NAME", "STATE", "FLAGS", "CONS", "VCPU", "MEMORY", "UTIL", "UPTIME"]
  /// NAME 16 plus a space, then STATE 11, FLAGS 8, CONS 8, VCPU 6, MEMORY 9, UTIL 6.
  static let widths = [17, 11, 8, 8, 6, 9, 6, 0]

  /// The table of `ldm list`: a header and one row per domain.
  public static func table(_ domains: [DomainSnapshot]) -> [String] {
    var table = TextTable(headers: headers, minimumWidths: widths)
    for domain in domains { table.append(row(domain)) }
    return table.lines
  }

  static func row(_ domain: DomainSnapshot) -> [String] {
    [
      domain.name, domain.state.rawValue, domain.flags, domain.console,
      String(domain.vcpuCount), ByteSize.format(domain.memorySize),
      domain.showsActivity ? utilisation(domain) + "%" : "",
      domain.showsActivity ? Units.formatUptime(domain.uptimeSeconds) : "",
    ]
  }

  static func utilisation(_ domain: DomainSnapshot) -> String {
    ByteSize.oneDecimalString(domain.utilisation ?? 0)
  }

  /// `ldm list -p`: `VERSION 1.6`, then one `DOMAIN|key=value|…` line per domain.
  public static func parseable(_ domains: [DomainSnapshot]) -> [String] {
    ["VERSION 1.6"]
      + domains.map { domain in
        var fields = [
          "DOMAIN", "name=\(domain.name)", "state=\(domain.state.rawValue)",
          "flags=\(domain.flags)", "cons=\(domain.console)", "ncpu=\(domain.vcpuCount)",
          "mem=\(domain.memorySize)",
        ]
        if domain.showsActivity {
          fields += ["util=\(utilisation(domain))", "uptime=\(domain.uptimeSeconds)"]
        }
        return fields.joined(separator: "|")
      }
  }
}
