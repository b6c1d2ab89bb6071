import Engine
import Hypervisor
import Migration

/// The statistics line of the migration panel: as many of the figures as fit, most telling
/// first: `dirty 22 MiB/s · λ 0.19 converging · expected downtime 41 ms · elapsed 7.4 s`.
struct StatisticsLine {
  var migration: MigrationSnapshot
  var glyphs: GlyphSet
  /// The target's decompression figures, when known.
  var decompression: CompressionFigures? = nil

  private var separator: String { glyphs.separator }

  /// One figure: its label and value spans.
  private typealias Item = [Span]

  private var items: [Item] {
    let stats = migration.statistics
    let running = migration.outcome == nil
    var items: [Item] = []
    // Dirty rate and λ are measured per finished pass: before the first one they mean nothing.
    if migration.isLive, !migration.passes.isEmpty {
      items.append(figure("dirty", Figures.byteRate(stats.dirtyRate)))
      let lambda = Figures.twoDecimals(stats.lambda)
      let label = " " + stats.convergence.rawValue
      items.append([
        Span(glyphs.spell("λ "), .statLabel), Span(lambda, .statValue),
        Span(label, stats.convergence == .converging ? .statGood : .statBad),
      ])
    }
    if let downtime = stats.actualDowntime {
      items.append(figure("downtime", Units.formatDuration(downtime)))
    } else if running, migration.isLive, !migration.passes.isEmpty {
      items.append(figure("expected downtime", Units.formatDuration(stats.expectedDowntime)))
    }
    items.append(figure("elapsed", Units.formatDuration(stats.elapsed)))
    if running, migration.phase >= .stateTransfer, let left = stats.estimatedTimeLeft {
      items.append(figure("ETA", Units.formatDuration(left)))
    }
    if let compression = stats.compression {
      items.append(figure(compression.codec.rawValue, compressionRatio(compression)))
      let statistics = compression.statistics
      items.append(
        figure(
          "pages",
          "\(Figures.bytes(UInt64(statistics.uncompressedBytes)))"
            + " \(glyphs.arrow) \(Figures.bytes(UInt64(statistics.compressedBytes)))"))
      items.append(figure("compress", "\(Units.formatDuration(statistics.cpuTime.inSeconds)) CPU"))
      if let decompression {
        let cpu = decompression.statistics.cpuTime.inSeconds
        items.append(figure("decompress", "\(Units.formatDuration(cpu)) CPU"))
      }
    }
    if let channels = stats.channels, !channels.isEmpty {
      // One compact figure for all the page channels: what each carried, and its codec CPU.
      let each = channels.map { channel in
        let cpu = channel.cpuTime.inSeconds
        return "#\(channel.index) \(Figures.bytes(channel.bytes))"
          + (cpu > 0 ? "/\(Units.formatDuration(cpu))" : "")
      }
      items.append(figure("channels", "\(channels.count) (\(each.joined(separator: ", ")))"))
    }
    if let xbzrle = stats.xbzrle {
      // Pages sent again as differences: how many, and how much smaller they went.
      let value =
        xbzrle.ratio.map {
          "\(Figures.count(UInt64(xbzrle.pages))) pages \(Figures.bytes(xbzrle.wholeBytes))"
            + " \(glyphs.arrow) \(Figures.bytes(xbzrle.bytes)) (\(Figures.twoDecimals($0))×)"
        } ?? "none yet"
      items.append(figure("xbzrle", value))
    }
    if stats.throttle > 0 {
      items.append([
        Span("throttle ", .statLabel), Span("\(Int((stats.throttle * 100).rounded()))%", .statBad),
      ])
    }
    if stats.pass > 0 { items.append(figure("pass", String(stats.pass))) }
    items.append(figure("setup", Units.formatDuration(stats.setupTime)))
    if migration.isLive {
      items.append(
        figure(
          "pages",
          "\(Figures.count(stats.normalPages)) sent, \(Figures.count(stats.zeroPages)) zero"
        ))
    }
    items.append(figure("total", Figures.bytes(stats.totalBytes)))
    return items
  }

  private func compressionRatio(_ compression: CompressionFigures) -> String {
    compression.statistics.ratio.map { Figures.twoDecimals($0) + "×" } ?? "–"
  }

  private func figure(_ label: String, _ value: String) -> Item {
    [Span(label + " ", .statLabel), Span(value, .statValue)]
  }

  /// The figures that fit in `width`, in order of importance; one that does not fit is
  /// skipped whole and a shorter one after it may still take the room.
  func line(width: Int) -> TextLine {
    var spans: [Span] = []
    var used = 0
    let gap = " \(separator) "
    let gapWidth = DisplayWidth.of(gap)
    for item in items {
      let itemWidth = item.reduce(0) { $0 + $1.width }
      let needed = itemWidth + (spans.isEmpty ? 0 : gapWidth)
      guard used + needed <= width else { continue }
      if !spans.isEmpty { spans.append(Span(gap, .textDim)) }
      spans.append(contentsOf: item)
      used += needed
    }
    return TextLine(spans)
  }
}
