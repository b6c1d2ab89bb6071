/// A piece of text in one style.
public struct Span: Hashable, Sendable {
  public var text: String
  public var style: Style

  public init(_ text: String, _ style: Style = .text) {
    self.text = text
    self.style = style
  }

  public init(_ text: String, _ role: Role, _ attributes: TextAttributes = []) {
    self.init(text, Style(role, attributes))
  }

  /// Columns the span takes.
  public var width: Int { DisplayWidth.of(text) }
}

/// One line of styled spans: a log entry, a statistics line, a table row.
public struct TextLine: Hashable, Sendable {
  public var spans: [Span]

  public init(_ spans: [Span]) {
    self.spans = spans
  }

  /// A line of plain text in one role.
  public init(_ text: String, _ role: Role = .text) {
    spans = [Span(text, role)]
  }

  /// Columns the line takes.
  public var width: Int { spans.reduce(0) { $0 + $1.width } }

  /// The text without styles.
  public var plainText: String { spans.map(\.text).joined() }

  /// Draws the line in the first row of `rect`. A line too wide is cut, ending in `ellipsis`
  /// (in the style of the span it cuts) when one is given.
  public func draw(
    into buffer: inout ScreenBuffer, in rect: Rect, alignment: Alignment = .left,
    ellipsis: String? = nil
  ) {
    guard !rect.isEmpty else { return }
    let total = width
    var x = rect.x
    switch alignment {
    case .left: break
    case .center: x += max(0, (rect.width - total) / 2)
    case .right: x += max(0, rect.width - total)
    }
    let row = rect.row(0)
    guard let ellipsis, total > rect.width else {
      for span in spans { x = buffer.put(span.text, x: x, y: row.y, style: span.style, clip: row) }
      return
    }
    // Cut each span to what is left, keeping room for the ellipsis on the last one shown.
    var remaining = rect.width
    for span in spans where remaining > 0 {
      let spanWidth = span.width
      if spanWidth < remaining {
        x = buffer.put(span.text, x: x, y: row.y, style: span.style, clip: row)
        remaining -= spanWidth
      } else {
        let cut = TextLayout.truncate(span.text, to: remaining, ellipsis: ellipsis)
        x = buffer.put(cut, x: x, y: row.y, style: span.style, clip: row)
        remaining = 0
      }
    }
  }
}
