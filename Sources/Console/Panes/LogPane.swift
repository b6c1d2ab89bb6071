/// The newest log lines, or older ones when scrolled back with PgUp.
///
/// A line too long for the pane goes on under its message rather than being cut: the log is
/// where the whole text of a phase caption or an answer can be read again.
struct LogPane {
  var entries: [LogEntry]
  var scrollBack: Int
  var glyphs: GlyphSet

  /// The title of the divider above the pane: `Log`, or how far back it is scrolled.
  var title: String {
    scrollBack > 0 ? "Log (\(scrollBack) lines back, PgDn to follow)" : "Log"
  }

  /// The least room a message keeps beside its time and domain before its continuation rows
  /// start at the left edge instead.
  static let narrowestMessage = 20

  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty, !entries.isEmpty else { return }
    let end = max(0, entries.count - min(scrollBack, entries.count - 1))
    // From the newest entry shown upwards, each wrapped, until the pane is full; the oldest
    // one that only partly fits shows its last rows.
    var rows: [[Span]] = []
    var index = end
    while index > 0, rows.count < rect.height {
      index -= 1
      rows.insert(contentsOf: wrapped(entries[index], width: rect.width), at: 0)
    }
    for (row, spans) in rows.suffix(rect.height).enumerated() {
      TextLine(spans).draw(into: &buffer, in: rect.row(row), ellipsis: glyphs.ellipsis)
    }
  }

  /// The rows of one entry: time, domain and the message's first part, then the rest of the
  /// message under its start.
  func wrapped(_ entry: LogEntry, width: Int) -> [[Span]] {
    var lead = [Span(entry.timestamp, .logTime), Span(" ")]
    if !entry.domain.isEmpty { lead += [Span(entry.domain, .text, .bold), Span(" ")] }
    let leadWidth = lead.reduce(0) { $0 + $1.width }
    let indent = width - leadWidth >= Self.narrowestMessage ? leadWidth : 0
    // Leading spaces indent a message under another (a command's output): they stay.
    let leading = String(entry.message.prefix { $0 == " " })
    let lines = TextLayout.wrap(
      String(entry.message.dropFirst(leading.count)),
      width: max(1, width - leadWidth - leading.count), continuation: max(1, width - indent))
    var rows = [lead + [Span(leading + (lines.first ?? ""), entry.role)]]
    let padding = String(repeating: " ", count: indent)
    for line in lines.dropFirst() { rows.append([Span(padding), Span(line, entry.role)]) }
    return rows
  }
}
