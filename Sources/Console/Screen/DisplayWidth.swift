/// Terminal display widths in pure Swift, so layout never depends on the C library's locale.
///
/// Widths follow what terminals do: East Asian Wide/Fullwidth characters and emoji with emoji
/// presentation take two columns, combining and format characters take none, everything else
/// one. Control characters are not given a width here: `ScreenBuffer` replaces them before they
/// can reach the terminal.
public enum DisplayWidth {
  /// The columns `character` occupies: 0, 1 or 2 (control characters: one per placeholder).
  public static func of(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    var iterator = scalars.makeIterator()
    guard let first = iterator.next() else { return 0 }
    // CR LF is one grapheme but two placeholders, as on the ASCII path.
    if isControl(first) { return scalars.count }
    if isZeroWidth(first) { return 0 }
    if isWide(first) { return 2 }
    var count = 1
    while let next = iterator.next() {
      count += 1
      // VS16 asks for emoji presentation of a text-default emoji such as U+2764.
      if next.value == 0xFE0F, first.properties.isEmoji { return 2 }
    }
    if count == 2, isRegionalIndicator(first) { return 2 }
    return 1
  }

  /// The columns a string occupies when drawn (control characters count as their placeholder).
  public static func of(_ string: some StringProtocol) -> Int {
    if string.utf8.allSatisfy({ $0 < 0x80 }) { return string.utf8.count }
    return string.reduce(0) { $0 + of($1) }
  }

  /// Whether `scalar` must never be written raw to a terminal (C0, DEL, C1, bidi overrides).
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return true }
    // Bidirectional overrides and isolates can visually reorder the rest of the line.
    return (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
  }

  /// Whether `scalar` takes no column of its own (combining marks, joiners, format characters).
  public static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x300 { return false }
    // Hangul medial vowels and final consonants join the preceding leading consonant.
    if (v >= 0x1160 && v <= 0x11FF) || (v >= 0xD7B0 && v <= 0xD7FF) { return true }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return true
    default: return false
    }
  }

  /// Whether `scalar` is East Asian Wide or Fullwidth (which includes emoji presentation).
  public static func isWide(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x1100 { return false }
    var low = 0
    var high = wideRanges.count - 1
    while low <= high {
      let mid = (low + high) / 2
      let range = wideRanges[mid]
      if v < range.0 {
        high = mid - 1
      } else if v > range.1 {
        low = mid + 1
      } else {
        return true
      }
    }
    return false
  }

  private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x1F1E6 && scalar.value <= 0x1F1FF
  }

  /// East_Asian_Width W or F (Unicode 14), with unassigned gaps folded into their neighbours.
  private static let wideRanges: [(UInt32, UInt32)] = [
    (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC), (0x23F0, 0x23F0),
    (0x23F3, 0x23F3), (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
    (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
    (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
    (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
    (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
    (0x2E80, 0x303E), (0x3041, 0x3247), (0x3250, 0x4DBF), (0x4E00, 0xA4C6), (0xA960, 0xA97C),
    (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE6B), (0xFF01, 0xFF60),
    (0xFFE0, 0xFFE6), (0x16FE0, 0x1B2FB), (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF),
    (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F200, 0x1F320), (0x1F32D, 0x1F335),
    (0x1F337, 0x1F37C), (0x1F37E, 0x1F393), (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3),
    (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4), (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440),
    (0x1F442, 0x1F4FC), (0x1F4FF, 0x1F53D), (0x1F54B, 0x1F54E), (0x1F550, 0x1F567),
    (0x1F57A, 0x1F57A), (0x1F595, 0x1F596), (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F),
    (0x1F680, 0x1F6C5), (0x1F6CC, 0x1F6CC), (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6DF),
    (0x1F6EB, 0x1F6EC), (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7F0), (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FAF6), (0x20000, 0x3FFFD),
  ]
}
