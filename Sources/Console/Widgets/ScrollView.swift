/// A window onto a list of lines (the log pane, the command-output pane).
public struct ScrollView: Sendable {
  public var lines: [TextLine]
  /// Index of the first line shown; clamped when drawn.
  public var offset: Int
  /// Reserve the rightmost column for a scrollbar when the lines do not all fit.
  public var showsScrollbar: Bool
  /// Marks lines cut at the right edge.
  public var ellipsis: String?
  public var glyphs: GlyphSet

  public init(
    lines: [TextLine], offset: Int = 0, showsScrollbar: Bool = false, ellipsis: String? = nil,
    glyphs: GlyphSet = .unicode
  ) {
    self.lines = lines
    self.offset = offset
    self.showsScrollbar = showsScrollbar
    self.ellipsis = ellipsis
    self.glyphs = glyphs
  }

  /// `offset` limited so that the window never scrolls past the last line.
  public static func clampedOffset(_ offset: Int, lineCount: Int, visibleRows: Int) -> Int {
    max(0, min(offset, lineCount - max(0, visibleRows)))
  }

  /// The offset that shows the last lines (to follow a growing log).
  public static func tailOffset(lineCount: Int, visibleRows: Int) -> Int {
    max(0, lineCount - max(0, visibleRows))
  }

  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty else { return }
    let first = Self.clampedOffset(offset, lineCount: lines.count, visibleRows: rect.height)
    var area = rect
    if showsScrollbar, lines.count > rect.height, rect.width >= 2 {
      let split = area.splitLeft(area.width - 1)
      area = split.left
      drawScrollbar(into: &buffer, in: split.rest, first: first)
    }
    for row in 0..<area.height where first + row < lines.count {
      lines[first + row].draw(into: &buffer, in: area.row(row), ellipsis: ellipsis)
    }
  }

  private func drawScrollbar(into buffer: inout ScreenBuffer, in rect: Rect, first: Int) {
    let rows = rect.height
    let thumb = max(1, rows * rows / max(1, lines.count))
    let maxFirst = max(1, lines.count - rows)
    let thumbTop = (rows - thumb) * min(first, maxFirst) / maxFirst
    let style = Style(.border)
    for row in 0..<rows {
      let inThumb = row >= thumbTop && row < thumbTop + thumb
      let glyph = inThumb ? glyphs.scrollThumb : glyphs.scrollTrack
      buffer.put(glyph, x: rect.x, y: rect.y + row, style: style)
    }
  }
}
