/// The newest log lines, or older ones when scrolled back with PgUp.
struct LogPane {
  var entries: [LogEntry]
  var scrollBack: Int
  var glyphs: GlyphSet

  /// The title of the divider above the pane: `Log`, or how far back it is scrolled.
  var title: String {
    scrollBack > 0 ? "Log (\(scrollBack) lines back, PgDn to follow)" : "Log"
  }

  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty, !entries.isEmpty else { return }
    let end = max(0, entries.count - min(scrollBack, entries.count - 1))
    let start = max(0, end - rect.height)
    for (row, entry) in entries[start..<end].enumerated() {
      let line = rect.row(row)
      var x = buffer.put(entry.timestamp, x: line.x, y: line.y, style: Style(.logTime), clip: line)
      x += 1
      if !entry.domain.isEmpty {
        x = buffer.put(entry.domain, x: x, y: line.y, style: Style(.text, .bold), clip: line) + 1
      }
      let rest = Rect(x: x, y: line.y, width: line.maxX - x, height: 1)
      TextLine(entry.message, entry.role).draw(into: &buffer, in: rest, ellipsis: glyphs.ellipsis)
    }
  }
}
