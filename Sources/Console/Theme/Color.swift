/// A colour as written in a theme file.
///
/// Syntax: `default` (the terminal's own foreground or background), one of the 16 names
/// (`black` … `white`, `bright-black` … `bright-white`), `#rrggbb`, or a palette index written
/// as a plain number `0`–`255`.
public enum Color: Hashable, Sendable, CustomStringConvertible {
  /// The terminal's default foreground or background.
  case `default`
  /// One of the 16 ANSI colours, whose exact look the user's terminal decides.
  case named(NamedColor)
  /// An xterm-256 palette index.
  case indexed(UInt8)
  /// A 24-bit colour, mapped to what the terminal can show.
  case rgb(red: UInt8, green: UInt8, blue: UInt8)

  /// Parses the theme-file syntax; nil when `text` is none of the accepted forms.
  public init?(parsing text: String) {
    if text == "default" {
      self = .default
    } else if let named = NamedColor(rawValue: text) {
      self = .named(named)
    } else if text.hasPrefix("#") {
      let hex = text.dropFirst()
      guard hex.count == 6, hex.allSatisfy(\.isHexDigit), let value = UInt32(hex, radix: 16)
      else { return nil }
      self = .rgb(
        red: UInt8(value >> 16), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
    } else if !text.isEmpty, text.count <= 3, text.allSatisfy(\.isASCIIDigit),
      let index = UInt8(text)
    {
      self = .indexed(index)
    } else {
      return nil
    }
  }

  /// The theme-file spelling.
  public var description: String {
    switch self {
    case .default: "default"
    case .named(let name): name.rawValue
    case .indexed(let index): String(index)
    case .rgb(let r, let g, let b):
      "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
  }
}

/// The 16 ANSI colours, in palette order.
public enum NamedColor: String, CaseIterable, Sendable {
  case black, red, green, yellow, blue, magenta, cyan, white
  case brightBlack = "bright-black"
  case brightRed = "bright-red"
  case brightGreen = "bright-green"
  case brightYellow = "bright-yellow"
  case brightBlue = "bright-blue"
  case brightMagenta = "bright-magenta"
  case brightCyan = "bright-cyan"
  case brightWhite = "bright-white"

  /// The palette index, 0–15.
  public var index: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
