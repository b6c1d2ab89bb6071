import Engine
import Hypervisor
import Migration

/// `ldm list -o status NAME`: the domain's name and, while it migrates, the operation, its
/// progress and the other machine (`TARGET` on the source, `SOURCE` on the target); after a
/// failure, or with the error flag, `failed` or `error` in place of the progress.
public enum StatusFormatter {
  public static func lines(domain: String, host: String, datacenter: DatacenterSnapshot)
    -> [String]
  {
    var lines = ["NAME", domain]
    let row: (progress: String, isSource: Bool, other: String)
    // Shown only when pages travel compressed: the codec and its ratio so far, and the CPU
    // time this host spent on it.
    var compression: CompressionFigures?
    // Shown only with more than one page channel: each one's counts on this host.
    var channels: [ChannelFigures]?
    // Shown only on the source with XBZRLE agreed: what it made of the pages sent again.
    var xbzrle: XBZRLEFigures?
    if let migration = datacenter.activeMigration(of: domain, on: host),
      migration.sourceHost == host, migration.domain == domain
    {
      row = (percent(migration.statistics.progress), true, migration.targetHost)
      compression = migration.statistics.compression
      channels = migration.statistics.channels
      xbzrle = migration.statistics.xbzrle
    } else if let incoming = datacenter.incoming(domain, on: host) {
      // The target knows the progress the source last told it.
      row = (percent(incoming.progress), false, incoming.sourceHost)
      compression = incoming.decompression
      channels = incoming.channels
    } else if let last = datacenter.lastMigration(of: domain, from: host),
      case .failed(_, let errorFlag) = last.outcome,
      datacenter.host(named: host)?.domain(named: domain).map({
        $0.migrationRole == nil || $0.migrationRole == .error
      }) == true
    {
      let flagged = datacenter.host(named: host)?.domain(named: domain)?.migrationRole == .error
      guard errorFlag == flagged else { return lines }
      row = (flagged ? "error" : "failed", true, last.targetHost)
    } else {
      return lines
    }
    let other = row.isSource ? "TARGET" : "SOURCE"
    guard let compression else {
      var table = TextTable(
        headers: ["OPERATION", "PROGRESS", other], minimumWidths: [13, 12, 0], indent: "    ")
      table.append(["migration", row.progress, row.other])
      return lines + [""] + ["STATUS"] + table.lines + channelLines(channels)
        + xbzrleLines(xbzrle)
    }
    var table = TextTable(
      headers: ["OPERATION", "PROGRESS", other, "COMPRESSION", "CPU"],
      minimumWidths: [13, 12, 14, 14, 0], indent: "    ")
    table.append([
      "migration", row.progress, row.other, compression.ratioText,
      Units.formatDuration(compression.statistics.cpuTime.inSeconds),
    ])
    lines += [""] + ["STATUS"] + table.lines + channelLines(channels) + xbzrleLines(xbzrle)
    return lines
  }

  /// The XBZRLE block: what went as differences and what missed the cache.
  static func xbzrleLines(_ figures: XBZRLEFigures?) -> [String] {
    guard let figures else { return [] }
    var table = TextTable(
      headers: ["CACHE", "PAGES", "BYTES", "WHOLE", "MISSES", "OVERFLOWS"],
      minimumWidths: [10, 10, 12, 12, 10, 0], indent: "    ")
    table.append([
      ByteSize.human(Double(figures.cacheBytes)), "\(figures.pages)",
      ByteSize.human(Double(figures.bytes)), ByteSize.human(Double(figures.wholeBytes)),
      "\(figures.misses)", "\(figures.overflows)",
    ])
    return [""] + ["XBZRLE"] + table.lines
  }

  /// The CHANNELS block: a row per page channel, or nothing for one channel.
  static func channelLines(_ channels: [ChannelFigures]?) -> [String] {
    guard let channels, !channels.isEmpty else { return [] }
    var table = TextTable(
      headers: ["CHANNEL", "BYTES", "PAGES", "BATCHES", "CPU"],
      minimumWidths: [9, 12, 10, 9, 0], indent: "    ")
    for channel in channels {
      table.append([
        "\(channel.index)", ByteSize.human(Double(channel.bytes)), "\(channel.pages)",
        "\(channel.batches)", Units.formatDuration(channel.cpuTime.inSeconds),
      ])
    }
    return [""] + ["CHANNELS"] + table.lines
  }

  /// Whole percent, rounded down: 100% only once the migration has finished.
  static func percent(_ progress: Double) -> String {
    "\(Int(max(0, min(progress, 1)) * 100))%"
  }
}
