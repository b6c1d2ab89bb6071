import CNcursesW
import Console

/// Colour pairs allocated on demand, one per foreground/background combination in use.
///
/// ncurses needs a numbered pair for every combination; themes use a few dozen at most, far
/// below any terminal's limit. When pairs run out, the default pair (0) is used.
struct ColorPairs {
  private struct Key: Hashable {
    var foreground: TerminalColor
    var background: TerminalColor
  }

  private var pairs: [Key: Int16] = [:]
  private let limit: Int

  private let direct: Bool

  /// `limit` is COLOR_PAIRS, known only once colour has started; `direct` is set for a
  /// direct-colour (truecolour) terminal.
  init(limit: Int, direct: Bool) {
    self.limit = min(Int(Int16.max), limit)
    self.direct = direct
  }

  /// The pair for the combination, allocating it the first time.
  mutating func pair(foreground: TerminalColor, background: TerminalColor) -> Int16 {
    if foreground == .default, background == .default { return 0 }
    let key = Key(foreground: foreground, background: background)
    if let pair = pairs[key] { return pair }
    let number = pairs.count + 1
    guard number < limit else { return 0 }
    guard init_extended_pair(Int32(number), code(foreground), code(background)) == OK
    else { return 0 }
    pairs[key] = Int16(number)
    return Int16(number)
  }

  /// Forgets every pair (after a theme change), so numbers are reused.
  mutating func reset() {
    pairs.removeAll()
  }

  /// The colour number ncurses expects. In direct-colour mode numbers below 8 are the ANSI
  /// colours and everything else is 0xRRGGBB, so other palette indices go as their RGB value.
  private func code(_ color: TerminalColor) -> Int32 {
    switch color {
    case .default: return -1
    case .index(let index) where direct && index >= 8:
      let (r, g, b) = ColorMapping.rgb(ofIndex: index)
      return Int32(max(8, r << 16 | g << 8 | b))
    case .index(let index): return Int32(index)
    case .rgb(let value) where direct: return Int32(max(8, value))
    case .rgb(let value): return Int32(value)
    }
  }
}
