/// The key-hint bar at the bottom of the screen: ` m migrate  c cancel  q quit`.
public struct Footer: Sendable {
  /// One key and what it does.
  public struct Item: Hashable, Sendable {
    public var key: String
    public var text: String

    public init(key: String, text: String) {
      self.key = key
      self.text = text
    }
  }

  public var items: [Item]

  public init(items: [Item]) {
    self.items = items
  }

  /// Convenience: `Footer(("m", "migrate"), ("q", "quit"))`.
  public init(_ pairs: (String, String)...) {
    items = pairs.map { Item(key: $0.0, text: $0.1) }
  }

  /// Draws in the first row of `rect`. Items that do not fit are left out whole (never cut),
  /// so the footer never shows half a hint.
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty else { return }
    let row = rect.row(0)
    let textStyle = Style(.footerText)
    buffer.fill(row, style: textStyle)
    var x = row.x + 1
    for (index, item) in items.enumerated() {
      let gap = index == 0 ? 0 : 2
      let itemWidth = DisplayWidth.of(item.key) + 1 + DisplayWidth.of(item.text)
      guard x + gap + itemWidth <= row.maxX else { break }
      x += gap
      x = buffer.put(item.key, x: x, y: row.y, style: Style(.footerKey), clip: row)
      x = buffer.put(" " + item.text, x: x, y: row.y, style: textStyle, clip: row)
    }
  }
}
