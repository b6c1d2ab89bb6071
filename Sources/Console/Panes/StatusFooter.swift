import LdmCommands

/// The bottom line: the keys that work right now, and on the right the clock, the speed and
/// whether time is paused.
struct StatusFooter {
  var hints: [KeyHelp.Hint]
  var live: LiveSnapshot
  var glyphs: GlyphSet
  /// Shown instead of the hints, until the next key.
  var message: StatusMessage? = nil

  /// Columns a message gets on a footer `width` wide: all but the status on the right. The
  /// status is widest in ASCII, so a message measured against that fits in either.
  static func messageRoom(width: Int, live: LiveSnapshot) -> Int {
    let status = StatusFooter(hints: [], live: live, glyphs: .ascii).status
    return max(0, width - DisplayWidth.of(status) - 3)
  }

  /// `×2 · paused · 00:00:07.4`.
  var status: String {
    guard live.clock == .simulated else {
      return glyphs.spell(
        "wall clock \(glyphs.separator) " + ConsoleApp.timestamp(live.datacenter.time))
    }
    let speed = live.speed
    let factor: String =
      switch speed {
      case 0.25: "¼"
      case 0.5: "½"
      default: speed == speed.rounded() ? String(Int(speed)) : String(speed)
      }
    var parts = ["×" + factor]
    if live.isPaused { parts.append("paused") }
    if live.isStepping { parts.append("stepping") }
    parts.append(ConsoleApp.timestamp(live.datacenter.time))
    return glyphs.spell(parts.joined(separator: " \(glyphs.separator) "))
  }

  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty else { return }
    let row = rect.row(0)
    let status = self.status + " "
    let statusWidth = DisplayWidth.of(status)
    let keys = row.inset(right: statusWidth + 1)
    // Fill first so the status keeps the footer's colour even when no key hint fits.
    buffer.fill(row, style: Style(.footerText))
    if let message {
      let room = keys.inset(left: 1)
      TextLine(message.text, message.role).draw(into: &buffer, in: room, ellipsis: glyphs.ellipsis)
    } else {
      Footer(items: Self.fitting(hints, width: keys.width, glyphs: glyphs)).draw(
        into: &buffer, in: keys)
    }
    buffer.put(
      status, x: row.maxX - statusWidth, y: row.y, style: Style(.footerText, .bold), clip: row)
  }

  /// The hints that fit, most important first, shown in their own order.
  static func fitting(_ hints: [KeyHelp.Hint], width: Int, glyphs: GlyphSet) -> [Footer.Item] {
    var kept = Set<Int>()
    var used = 1
    for (index, hint) in hints.enumerated().sorted(by: {
      ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset)
    }) {
      let item = spelled(hint.item, glyphs)
      let itemWidth = 2 + DisplayWidth.of(item.key) + 1 + DisplayWidth.of(item.text)
      if used + itemWidth <= width + 2 {
        kept.insert(index)
        used += itemWidth
      }
    }
    return hints.indices.filter(kept.contains).map { spelled(hints[$0].item, glyphs) }
  }

  private static func spelled(_ item: Footer.Item, _ glyphs: GlyphSet) -> Footer.Item {
    Footer.Item(key: glyphs.spell(item.key), text: glyphs.spell(item.text))
  }
}
