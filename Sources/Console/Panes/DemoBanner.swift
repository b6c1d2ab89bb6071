import Engine
import Hypervisor
import Migration

/// The guided tour's narration: a band across the bottom of the screen, over the log, with the
/// step's title, the phase caption highlighted, the narration and the keys. The host tables and
/// the migration panel above it stay in view.
struct DemoBanner {
  var demo: DemoState
  var glyphs: GlyphSet
  /// The tour's migration as the engine last published it, for the measured figures a
  /// narration quotes.
  var migration: MigrationSnapshot?

  /// The narration with `{downtime}` replaced by the tour migration's measured downtime.
  var narration: String {
    let downtime = migration?.statistics.actualDowntime.map(Units.formatDuration) ?? "a moment"
    return demo.step.narration.replacingOccurrences(of: "{downtime}", with: downtime)
  }

  /// The key line: what goes on, or what the tour is waiting for.
  var hint: TextLine {
    let separator = " \(glyphs.separator) "
    guard demo.isReady else {
      return TextLine([
        Span(glyphs.spell("waiting for \(waitingFor)\(glyphs.ellipsis)"), .dialog, .dim),
        Span(separator, .dialog), Span("q", .dialogTitle), Span(": leave", .dialog),
      ])
    }
    return TextLine([
      Span("space/n", .dialogTitle), Span(demo.isLastStep ? ": close the tour" : ": next", .dialog),
      Span(separator, .dialog), Span("q", .dialogTitle), Span(": leave", .dialog),
    ])
  }

  private var waitingFor: String {
    switch demo.step.wait {
    case .nothing: "nothing"
    case .migrationStarted: "the migration to start"
    case .pausedAt(let phase): "phase \(phase.rawValue) \(phase.title)"
    case .transferred(let fraction): "\(Int((fraction * 100).rounded()))% transferred"
    case .migrationFinished: "the migration to end"
    case .formAnswered: "the pre-checks"
    }
  }

  /// Draws the banner at the bottom of `area`, as tall as its text needs and `area` allows;
  /// returns the rows of `area` above it.
  @discardableResult
  func draw(into buffer: inout ScreenBuffer, in area: Rect) -> Rect {
    guard area.height >= 2, area.width >= 10 else { return area }
    let step = demo.step
    let textWidth = area.width - 2
    // The title and key rows stay; the caption comes before the narration, which is cut.
    let room = area.height - 2
    let caption = Array(
      (step.phase.map { TextLayout.wrap(glyphs.spell($0.caption), width: textWidth) } ?? [])
        .prefix(room))
    var narration = TextLayout.wrap(glyphs.spell(self.narration), width: textWidth)
    let narrationRoom = room - caption.count
    if narration.count > narrationRoom {
      narration = Array(narration.prefix(narrationRoom))
      if let last = narration.popLast() {
        let ellipsis = glyphs.ellipsis
        narration.append(
          TextLayout.truncate(last, to: textWidth - DisplayWidth.of(ellipsis), ellipsis: "")
            + ellipsis)
      }
    }
    let (above, band) = area.splitBottom(2 + caption.count + narration.count)
    buffer.fill(band, style: Style(.dialog))
    let titleRow = band.row(0)
    buffer.fill(titleRow, style: Style(.dialogTitle))
    let title = glyphs.spell("Demo \(demo.position) \(glyphs.separator) \(step.title)")
    TextLine(title, .dialogTitle).draw(
      into: &buffer, in: titleRow.inset(left: 1, right: 1), ellipsis: glyphs.ellipsis)
    var row = 1
    for line in caption {
      let rowRect = band.row(row)
      buffer.fill(rowRect, style: Style(.notice))
      TextLine(line, .notice).draw(into: &buffer, in: rowRect.inset(left: 1, right: 1))
      row += 1
    }
    for line in narration {
      TextLine(line, .dialog).draw(into: &buffer, in: band.row(row).inset(left: 1, right: 1))
      row += 1
    }
    hint.draw(
      into: &buffer, in: band.row(band.height - 1).inset(left: 1, right: 1), alignment: .right,
      ellipsis: glyphs.ellipsis)
    return above
  }
}
