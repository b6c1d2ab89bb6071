import Hypervisor
import Migration

/// `ldm list -o status NAME`: the domain's name and, while it migrates, the operation, its
/// progress and the other machine (`TARGET` on the source, `SOURCE` on the target).
public enum StatusFormatter {
  public static func lines(domain: String, host: String, datacenter: DatacenterSnapshot)
    -> [String]
  {
    var lines = ["NAME", domain]
    guard let migration = datacenter.activeMigration(of: domain, on: host) else { return lines }
    let isSource = migration.sourceHost == host && migration.domain == domain
    var table = TextTable(
      headers: ["OPERATION", "PROGRESS", isSource ? "TARGET" : "SOURCE"],
      minimumWidths: [13, 12, 0], indent: "    ")
    // Whole percent, rounded down: 100% only once the migration has finished.
    let percent = Int(max(0, min(migration.statistics.progress, 1)) * 100)
    table.append([
      "migration", "\(percent)%", isSource ? migration.targetHost : migration.sourceHost,
    ])
    lines += [""] + ["STATUS"] + table.lines
    return lines
  }
}
