/// A bordered box centred over the screen, clearing what is under it.
public struct Dialog: Sendable {
  public var title: String
  /// Wanted outer size; shrunk to the area when it does not fit.
  public var width: Int
  public var height: Int
  public var glyphs: GlyphSet

  public init(title: String, width: Int, height: Int, glyphs: GlyphSet = .unicode) {
    self.title = title
    self.width = width
    self.height = height
    self.glyphs = glyphs
  }

  /// The outer rectangle the dialog takes inside `area`.
  public func frame(in area: Rect) -> Rect {
    area.centered(width: width, height: height)
  }

  /// Draws the dialog centred in `area`; returns its content rectangle (inside the border,
  /// with one column of padding on each side).
  @discardableResult
  public func draw(into buffer: inout ScreenBuffer, in area: Rect) -> Rect {
    let outer = frame(in: area)
    buffer.fill(outer, style: Style(.dialog))
    let box = Box(title: title, borderRole: .dialog, titleRole: .dialogTitle, glyphs: glyphs)
    return box.draw(into: &buffer, in: outer).inset(left: 1, right: 1)
  }
}
