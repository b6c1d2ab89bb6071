/// A border around a rectangle, with an optional title set into the top edge:
/// `┌ title ─────┐`.
public struct Box: Sendable {
  public var title: String?
  /// Draws the border in `border.focus` instead of the normal border role.
  public var isFocused: Bool
  public var borderRole: Role
  public var titleRole: Role
  public var glyphs: GlyphSet

  public init(
    title: String? = nil, isFocused: Bool = false, borderRole: Role = .border,
    titleRole: Role = .title, glyphs: GlyphSet = .unicode
  ) {
    self.title = title
    self.isFocused = isFocused
    self.borderRole = borderRole
    self.titleRole = titleRole
    self.glyphs = glyphs
  }

  private var style: Style { Style(isFocused ? .borderFocus : borderRole) }

  /// Draws the border and title; returns the rectangle inside the border.
  @discardableResult
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Rect {
    guard !rect.isEmpty else { return rect.inset(by: 1) }
    let style = self.style
    let g = glyphs
    if rect.height == 1 || rect.width == 1 {
      // Too small for corners: a bare line still shows where the box is.
      let line = rect.height == 1 ? g.horizontal : g.vertical
      buffer.fill(rect, with: line, style: style)
      return rect.inset(by: 1)
    }
    let (top, bottom) = (rect.minY, rect.maxY - 1)
    let (left, right) = (rect.minX, rect.maxX - 1)
    buffer.fill(
      Rect(x: left + 1, y: top, width: rect.width - 2, height: 1), with: g.horizontal, style: style)
    buffer.fill(
      Rect(x: left + 1, y: bottom, width: rect.width - 2, height: 1), with: g.horizontal,
      style: style)
    buffer.fill(
      Rect(x: left, y: top + 1, width: 1, height: rect.height - 2), with: g.vertical, style: style)
    buffer.fill(
      Rect(x: right, y: top + 1, width: 1, height: rect.height - 2), with: g.vertical, style: style)
    buffer.put(g.topLeft, x: left, y: top, style: style)
    buffer.put(g.topRight, x: right, y: top, style: style)
    buffer.put(g.bottomLeft, x: left, y: bottom, style: style)
    buffer.put(g.bottomRight, x: right, y: bottom, style: style)
    if let title {
      Self.drawTitle(
        title, into: &buffer, row: top, from: left + 1, to: right, role: titleRole, glyphs: g)
    }
    return rect.inset(by: 1)
  }

  /// Draws a divider across `rect` at row `y`, joining its side borders: `├ Log ─────┤`.
  public func drawDivider(
    into buffer: inout ScreenBuffer, row y: Int, in rect: Rect, title: String? = nil
  ) {
    guard !rect.isEmpty, y >= rect.minY, y < rect.maxY else { return }
    let style = self.style
    let row = Rect(x: rect.x, y: y, width: rect.width, height: 1)
    buffer.fill(row, with: glyphs.horizontal, style: style)
    guard rect.width >= 2 else { return }
    buffer.put(glyphs.teeRight, x: rect.minX, y: y, style: style)
    buffer.put(glyphs.teeLeft, x: rect.maxX - 1, y: y, style: style)
    if let title {
      Self.drawTitle(
        title, into: &buffer, row: y, from: rect.minX + 1, to: rect.maxX - 1, role: titleRole,
        glyphs: glyphs)
    }
  }

  /// ` title ` between columns `from` and `to` (exclusive), cut with an ellipsis if needed.
  private static func drawTitle(
    _ title: String, into buffer: inout ScreenBuffer, row: Int, from: Int, to: Int, role: Role,
    glyphs: GlyphSet
  ) {
    let room = to - from - 2
    guard room > 0, !title.isEmpty else { return }
    let text = " " + TextLayout.truncate(title, to: room, ellipsis: glyphs.ellipsis) + " "
    buffer.put(
      text, x: from, y: row, style: Style(role),
      clip: Rect(x: from, y: row, width: to - from, height: 1))
  }
}
