extension GlyphSet {
  /// Whether the set is the plain ASCII one (no UTF-8 on the terminal).
  var isASCII: Bool { progressFull.isASCII }

  /// `text` with the console's symbols spelled in ASCII when the set is ASCII.
  func spell(_ text: String) -> String {
    guard isASCII, !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
    var result = ""
    for character in text {
      switch character {
      case "↑": result += "Up"
      case "↓": result += "Down"
      case "←": result += "Left"
      case "→": result += "Right"
      case "×": result += "x"
      case "λ": result += "lambda"
      case "¼": result += "1/4"
      case "½": result += "1/2"
      case "‹": result += "<"
      case "›": result += ">"
      case "…": result += "..."
      case "·": result += "-"
      case "✓": result += done
      case "✗": result += failed
      default: result.append(character)
      }
    }
    return result
  }
}
