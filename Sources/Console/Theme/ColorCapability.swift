/// What the terminal can show, from richest to poorest.
public enum ColorCapability: String, CaseIterable, Sendable {
  /// 24-bit colour: `#rrggbb` is sent as is.
  case trueColor
  /// The xterm-256 palette: `#rrggbb` becomes the nearest index in 16–255.
  case palette256
  /// The 8 ANSI colours: bright names lose their brightness, anything else becomes the nearest.
  case basic8
  /// No colour at all: only attributes remain.
  case none
}

/// A colour the terminal can be asked for directly.
public enum TerminalColor: Hashable, Sendable {
  /// The terminal's default foreground or background.
  case `default`
  /// A palette index (0–255).
  case index(Int)
  /// A 24-bit colour as 0xRRGGBB, only with `ColorCapability.trueColor`.
  case rgb(Int)
}

/// Nearest-colour arithmetic for mapping theme colours onto poorer terminals.
public enum ColorMapping {
  /// The xterm defaults for the 16 ANSI colours, used to measure distances to them.
  static let ansiRGB: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
    (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]
  private static let cubeLevels = [0, 95, 135, 175, 215, 255]

  /// The RGB value of an xterm-256 palette index.
  public static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
    switch index {
    case ..<16: return ansiRGB[max(0, index)]
    case 16..<232:
      let i = index - 16
      return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
    default:
      let level = 8 + 10 * (min(index, 255) - 232)
      return (level, level, level)
    }
  }

  /// The nearest xterm-256 index among 16–255 (the 6×6×6 cube and the grey ramp). The first
  /// 16 are skipped on purpose: users redefine them, so they cannot stand for an exact colour.
  public static func nearest256(red: Int, green: Int, blue: Int) -> Int {
    func level(_ value: Int) -> Int {
      value < 48 ? 0 : value < 115 ? 1 : (value - 35) / 40
    }
    let (r, g, b) = (level(red), level(green), level(blue))
    let cube = 16 + 36 * r + 6 * g + b
    let average = (red + green + blue) / 3
    let grey = average > 238 ? 255 : 232 + max(0, (average - 3) / 10)
    let target = (red, green, blue)
    return distance(rgb(ofIndex: grey), target) < distance(rgb(ofIndex: cube), target)
      ? grey : cube
  }

  /// The nearest of the 8 basic ANSI colours (0–7).
  public static func nearest8(red: Int, green: Int, blue: Int) -> Int {
    let target = (red, green, blue)
    return (0..<8).min { distance(ansiRGB[$0], target) < distance(ansiRGB[$1], target) }!
  }

  static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
    return dr * dr + dg * dg + db * db
  }
}
