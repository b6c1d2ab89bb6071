/// A one-row chart of recent values: `▁▂▅▇██▇`.
public struct Sparkline: Sendable {
  /// Oldest first; only the most recent values that fit are drawn.
  public var values: [Double]
  /// The value drawn as a full block; nil scales to the largest value shown.
  public var maximum: Double?
  public var role: Role
  public var glyphs: GlyphSet

  public init(
    values: [Double], maximum: Double? = nil, role: Role = .sparklineThroughput,
    glyphs: GlyphSet = .unicode
  ) {
    self.values = values
    self.maximum = maximum
    self.role = role
    self.glyphs = glyphs
  }

  /// The level (0 = lowest glyph … levels - 1 = full) for each value that fits in `width`.
  public func levels(width: Int) -> [Int] {
    let shown = values.suffix(max(0, width))
    let top = maximum ?? shown.filter(\.isFinite).max() ?? 0
    let steps = glyphs.sparkLevels.count - 1
    return shown.map { value in
      guard top > 0, value.isFinite, value > 0 else { return 0 }
      return min(steps, Int((min(value, top) / top * Double(steps)).rounded()))
    }
  }

  /// Draws in the first row of `rect`, left-aligned: the newest value is the rightmost drawn.
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty, !glyphs.sparkLevels.isEmpty else { return }
    let style = Style(role)
    for (offset, level) in levels(width: rect.width).enumerated() {
      buffer.put(glyphs.sparkLevels[level], x: rect.x + offset, y: rect.y, style: style)
    }
  }
}
