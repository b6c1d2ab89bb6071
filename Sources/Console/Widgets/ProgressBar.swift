/// A horizontal progress bar with sub-cell precision: `▕███████▍░░░░▏ 63%`.
public struct ProgressBar: Sendable {
  /// Completed fraction, 0…1 (values outside are clamped; NaN counts as 0).
  public var fraction: Double
  /// Text drawn right after the bar, e.g. `ProgressBar.percentLabel(fraction)` (which is
  /// always four columns, so the bar does not change length as the number grows); dropped
  /// first when the rectangle is narrow.
  public var label: String?
  public var labelRole: Role
  /// Draw end caps around the bar (dropped when narrow).
  public var showsCaps: Bool
  public var glyphs: GlyphSet

  public init(
    fraction: Double, label: String? = nil, labelRole: Role = .text, showsCaps: Bool = true,
    glyphs: GlyphSet = .unicode
  ) {
    self.fraction = fraction
    self.label = label
    self.labelRole = labelRole
    self.showsCaps = showsCaps
    self.glyphs = glyphs
  }

  /// A percentage right-aligned in four columns, ` 63%` or `100%`, rounded down so that 100 %
  /// only shows when the work is done.
  public static func percentLabel(_ fraction: Double) -> String {
    let percent = Int((clamp(fraction) * 100).rounded(.down))
    let digits = String(percent)
    return String(repeating: " ", count: max(0, 3 - digits.count)) + digits + "%"
  }

  static func clamp(_ value: Double) -> Double {
    value.isNaN ? 0 : min(1, max(0, value))
  }

  /// Draws in the first row of `rect`.
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty else { return }
    var bar = rect.row(0)
    if let label, !label.isEmpty {
      let labelText = label
      let labelWidth = DisplayWidth.of(labelText)
      if bar.width - labelWidth >= 3 {
        let split = bar.splitLeft(bar.width - labelWidth)
        bar = split.left
        buffer.put(labelText, x: split.rest.x, y: bar.y, style: Style(labelRole), clip: split.rest)
      }
    }
    if showsCaps, bar.width >= 4 {
      buffer.put(glyphs.progressLeftCap, x: bar.minX, y: bar.y, style: Style(.progressTodo))
      buffer.put(glyphs.progressRightCap, x: bar.maxX - 1, y: bar.y, style: Style(.progressTodo))
      bar = bar.inset(left: 1, right: 1)
    }
    let cells = bar.width
    let done: Int
    var partial: Character?
    if glyphs.progressEighths.count == 7 {
      let eighths = Int((Self.clamp(fraction) * Double(cells * 8)).rounded(.down))
      done = eighths / 8
      if eighths % 8 > 0 { partial = glyphs.progressEighths[eighths % 8 - 1] }
    } else {
      done = Int((Self.clamp(fraction) * Double(cells)).rounded(.down))
    }
    let doneStyle = Style(.progressDone)
    buffer.fill(
      Rect(x: bar.x, y: bar.y, width: done, height: 1), with: glyphs.progressFull, style: doneStyle)
    var x = bar.x + done
    if let partial, x < bar.maxX {
      buffer.put(partial, x: x, y: bar.y, style: doneStyle)
      x += 1
    }
    buffer.fill(
      Rect(x: x, y: bar.y, width: bar.maxX - x, height: 1), with: glyphs.progressEmpty,
      style: Style(.progressTodo))
  }
}
