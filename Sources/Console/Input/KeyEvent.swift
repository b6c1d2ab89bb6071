/// A key press, independent of the terminal library.
public enum KeyEvent: Hashable, Sendable {
  /// A printable character, including any Unicode input.
  case character(Character)
  case up, down, left, right
  case tab, backtab, enter, backspace, delete, escape
  case home, end, pageUp, pageDown
  /// A function key, F1 = 1.
  case function(Int)
  /// The terminal changed size: redraw everything.
  case resize
  /// Control plus a lowercase letter (Ctrl-A … Ctrl-Z, except those named above: Ctrl-I is
  /// `tab`, Ctrl-M and Ctrl-J are `enter`, Ctrl-H is `backspace`).
  case ctrl(Character)

  /// Decodes a character code as read from the terminal (not a special key code): control
  /// codes become named keys or `ctrl`, anything else a `character`. Nil for codes that are
  /// not characters at all (unpaired surrogates, out of range) or mean nothing (NUL).
  public init?(characterCode code: UInt32) {
    switch code {
    case 0x09: self = .tab
    case 0x0A, 0x0D: self = .enter
    case 0x08, 0x7F: self = .backspace
    case 0x1B: self = .escape
    case 0x01...0x1A:
      self = .ctrl(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(code - 1))))
    case 0x00, 0x1C...0x1F, 0x80...0x9F: return nil
    default:
      guard let scalar = Unicode.Scalar(code) else { return nil }
      self = .character(Character(scalar))
    }
  }
}
