import Engine
import Hypervisor
import LdmCommands
import Migration

/// The selected migration: its five phases, what the current one does, a progress bar, the
/// statistics of DESIGN §4 and sparklines of each pass's throughput and dirty rate.
struct MigrationPanel {
  var migration: MigrationSnapshot?
  /// `(2/3)` when several migrations can be chosen with `[` and `]`.
  var position: (index: Int, count: Int)?
  var glyphs: GlyphSet
  /// What decompressing cost the target, when its half is known and pages come compressed.
  var decompression: CompressionFigures? = nil

  /// The box title: `ldom01 → sparc-t4-b:ldom_other`, with the outcome once it is known.
  var title: String {
    guard let migration else { return "Migration" }
    var title = "\(migration.domain) \(glyphs.arrow) \(migration.targetHost)"
    if migration.isRenamed { title += ":\(migration.targetName)" }
    switch migration.outcome {
    case .completed?: title += " \(glyphs.separator) completed"
    case .failed?: title += " \(glyphs.separator) failed"
    case .cancelled?: title += " \(glyphs.separator) cancelled"
    case nil: if !migration.isLive { title += " \(glyphs.separator) cold" }
    }
    if let position, position.count > 1 {
      title += "  (\(position.index + 1)/\(position.count), [ ] to switch)"
    }
    return title
  }

  /// Draws the panel's lines into `rect` (inside the box); sparklines need a fifth row.
  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard let migration else {
      TextLine("No migration under way.", .textDim).draw(into: &buffer, in: rect.row(0))
      TextLine([
        Span("m", .footerKey, .bold), Span(" to migrate the selected domain, ", .textDim),
        Span(":", .footerKey, .bold), Span(" for an ldm command line, ", .textDim),
        Span("?", .footerKey, .bold), Span(" for every key", .textDim),
      ]).draw(into: &buffer, in: rect.row(1), ellipsis: glyphs.ellipsis)
      return
    }
    let width = rect.width
    fitting(phaseLines(migration), width).draw(into: &buffer, in: rect.row(0))
    caption(migration).draw(into: &buffer, in: rect.row(1), ellipsis: glyphs.ellipsis)
    drawProgress(migration, into: &buffer, in: rect.row(2))
    StatisticsLine(migration: migration, glyphs: glyphs, decompression: decompression)
      .line(width: width).draw(into: &buffer, in: rect.row(3))
    if rect.height > 4 { drawSparklines(migration, into: &buffer, in: rect.row(4)) }
  }

  // MARK: Phases

  private func mark(of phase: Phase, in migration: MigrationSnapshot) -> Span {
    switch migration.outcome {
    case .completed?: return Span(glyphs.done, .phaseDone)
    case .failed?, .cancelled?:
      if phase < migration.phase { return Span(glyphs.done, .phaseDone) }
      return phase == migration.phase
        ? Span(glyphs.failed, .phaseFailed) : Span(glyphs.pending, .phasePending)
    case nil:
      if phase < migration.phase { return Span(glyphs.done, .phaseDone) }
      return phase == migration.phase
        ? Span(glyphs.current, .phaseCurrent) : Span(glyphs.pending, .phasePending)
    }
  }

  /// The timeline from the most to the least spelled out.
  private func phaseLines(_ migration: MigrationSnapshot) -> [TextLine] {
    let pass = migration.statistics.pass
    func line(spaced: Bool, passes: Bool, titles: Bool) -> TextLine {
      var spans: [Span] = []
      for phase in Phase.allCases {
        if !spans.isEmpty { spans.append(Span(spaced ? "  " : " ")) }
        let mark = mark(of: phase, in: migration)
        spans.append(mark)
        let isCurrent = phase == migration.phase && migration.outcome == nil
        var text = (spaced ? " " : "") + String(phase.rawValue)
        if titles || isCurrent { text += " " + phase.title }
        if passes, phase == .stateTransfer, pass > 0, migration.isLive { text += " (pass \(pass))" }
        let role: Role =
          isCurrent ? .phaseCurrent : mark.style.role == .phasePending ? .phasePending : .text
        spans.append(Span(text, role))
      }
      return TextLine(spans)
    }
    return [
      line(spaced: true, passes: true, titles: true),
      line(spaced: false, passes: true, titles: true),
      line(spaced: false, passes: false, titles: true),
      line(spaced: false, passes: true, titles: false),
      line(spaced: false, passes: false, titles: false),
    ]
  }

  private func caption(_ migration: MigrationSnapshot) -> TextLine {
    switch migration.outcome {
    case nil:
      return TextLine(migration.phase.caption, .textDim)
    case .completed?:
      var text =
        "Completed: "
        + MigrationText.whereabouts(
          migration.initialState, name: migration.targetName, host: migration.targetHost)
      if let downtime = migration.statistics.actualDowntime {
        text += " \(glyphs.separator) downtime \(Units.formatDuration(downtime))"
      }
      text += " \(glyphs.separator) \(migration.domain) is gone from \(migration.sourceHost)"
      return TextLine(text, .logSuccess)
    case .failed?:
      let lines = MigrationText.lines(migration.outcome!, domain: migration.domain)
      return TextLine(lines.joined(separator: " \(glyphs.separator) "), .logError)
    case .cancelled?:
      let source = MigrationText.whereabouts(
        migration.initialState, name: migration.domain, host: migration.sourceHost)
      let target =
        migration.targetExisted
        ? "; \(migration.targetName) was destroyed on \(migration.targetHost)"
        : " before a target existed"
      return TextLine("Cancelled\(target): \(source)", .logWarning)
    }
  }

  // MARK: Progress

  private func drawProgress(
    _ migration: MigrationSnapshot, into buffer: inout ScreenBuffer, in row: Rect
  ) {
    let stats = migration.statistics
    let sep = " \(glyphs.separator) "
    let percent = ProgressBar.percentLabel(stats.progress)
    let sent = "\(Figures.bytes(stats.transferredBytes)) sent"
    let left = "\(Figures.bytes(stats.remainingBytes)) left"
    let rate = Figures.bitRate(bytesPerSecond: Self.sendRate(migration))
    let labels = [
      "\(percent)   \(sent)\(sep)\(left)\(sep)\(rate)", "\(percent)   \(sent)\(sep)\(left)",
      percent,
    ]
    // The bar takes about half the row, the figures the rest: long enough to see it move,
    // short enough that the figures sit close to it.
    let barWidth = max(10, min(row.width * 9 / 20, 80))
    let label = labels.first { DisplayWidth.of($0) + 1 + barWidth <= row.width } ?? percent
    let split = row.splitLeft(min(row.width, barWidth))
    ProgressBar(fraction: stats.progress, glyphs: glyphs).draw(into: &buffer, in: split.left)
    TextLine([Span(" " + label, .statValue)]).draw(into: &buffer, in: split.rest)
  }

  private func drawSparklines(
    _ migration: MigrationSnapshot, into buffer: inout ScreenBuffer, in row: Rect
  ) {
    guard !migration.passes.isEmpty else {
      let text = migration.isLive ? "no pre-copy pass finished yet" : "cold migration: no passes"
      TextLine(text, .textDim).draw(into: &buffer, in: row)
      return
    }
    let labels = ["throughput ", "  dirty rate "]
    let room = (row.width - labels.reduce(0) { $0 + $1.count }) / 2
    let width = min(max(0, room), max(8, migration.passes.count))
    var x = buffer.put(labels[0], x: row.x, y: row.y, style: Style(.statLabel), clip: row)
    let values = migration.passes.map(\.throughput)
    Sparkline(values: values, role: .sparklineThroughput, glyphs: glyphs)
      .draw(into: &buffer, in: Rect(x: x, y: row.y, width: width, height: 1).intersection(row))
    x += min(width, values.count)
    x = buffer.put(labels[1], x: x, y: row.y, style: Style(.statLabel), clip: row)
    Sparkline(values: migration.passes.map(\.dirtyRate), role: .sparklineDirty, glyphs: glyphs)
      .draw(into: &buffer, in: Rect(x: x, y: row.y, width: width, height: 1).intersection(row))
  }

  private func fitting(_ lines: [TextLine], _ width: Int) -> TextLine {
    lines.first { $0.width <= width } ?? lines[lines.count - 1]
  }

  /// The last finished pass's throughput, or before one finishes the average since the
  /// transfer began, so the rate is never shown as zero while pages are moving.
  static func sendRate(_ migration: MigrationSnapshot) -> Double {
    let stats = migration.statistics
    if stats.throughput > 0 { return stats.throughput }
    let sending = stats.elapsed - stats.setupTime
    return sending > 0 ? Double(stats.transferredBytes) / sending : 0
  }
}
