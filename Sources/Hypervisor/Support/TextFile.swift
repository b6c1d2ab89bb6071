/// Reading text files as editors on any system write them: scripts, scenarios, themes and
/// password files all go through here.
extension StringProtocol {
  /// The text without a leading UTF-8 byte-order mark (Windows editors write one).
  public var droppingByteOrderMark: SubSequence {
    first == "\u{FEFF}" ? dropFirst() : self[...]
  }

  /// The lines of a text file, its byte-order mark dropped; a line ends at LF, CRLF or a lone
  /// CR (as YAML counts them). Swift takes CRLF for one `Character`, so splitting on `"\n"`
  /// alone would leave a CRLF file one long line.
  public var fileLines: [SubSequence] {
    droppingByteOrderMark.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    )
  }
}

extension String {
  /// The text with its control characters written as escapes (`\n`, `\t`, `\u{1b}`), so a
  /// message quoting what a file held stays one line and cannot drive the terminal.
  public var escapingControlCharacters: String {
    var result = ""
    for scalar in unicodeScalars {
      switch scalar {
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
        result += "\\u{\(String(scalar.value, radix: 16))}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
