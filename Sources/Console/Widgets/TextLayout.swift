/// Horizontal placement of text within a width.
public enum Alignment: Sendable {
  case left, center, right
}

/// Measuring, cutting and padding text by display width (not by character count).
public enum TextLayout {
  /// `text` cut to at most `width` columns, ending in `ellipsis` when it was cut.
  public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    if DisplayWidth.of(text) <= width { return text }
    let mark = DisplayWidth.of(ellipsis) <= width ? ellipsis : ""
    let budget = width - DisplayWidth.of(mark)
    var result = ""
    var used = 0
    for character in text {
      let columns = DisplayWidth.of(character)
      if used + columns > budget { break }
      result.append(character)
      used += columns
    }
    return result + mark
  }

  /// `text` padded with spaces (or cut) to exactly `width` columns.
  public static func pad(_ text: String, to width: Int, alignment: Alignment = .left) -> String {
    guard width > 0 else { return "" }
    let cut = truncate(text, to: width, ellipsis: "")
    let gap = width - DisplayWidth.of(cut)
    guard gap > 0 else { return cut }
    switch alignment {
    case .left: return cut + String(repeating: " ", count: gap)
    case .right: return String(repeating: " ", count: gap) + cut
    case .center:
      let left = gap / 2
      return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
    }
  }

  /// `text` without its first `columns` columns; a wide character cut in two leaves a space
  /// for its visible half.
  public static func dropColumns(_ text: String, _ columns: Int) -> String {
    guard columns > 0 else { return text }
    var used = 0
    var index = text.startIndex
    while index < text.endIndex, used < columns {
      used += DisplayWidth.of(text[index])
      index = text.index(after: index)
    }
    let rest = String(text[index...])
    return used > columns ? String(repeating: " ", count: used - columns) + rest : rest
  }

  /// `text` broken at spaces into lines of at most `width` columns (`continuation` for the
  /// lines after the first, if given); a word longer than a line is split across lines, so
  /// nothing is lost.
  public static func wrap(_ text: String, width: Int, continuation: Int? = nil) -> [String] {
    let later = continuation ?? width
    guard width > 0, later > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    var limit: Int { lines.isEmpty ? width : later }
    for word in text.split(separator: " ") {
      var rest = String(word)
      var restWidth = DisplayWidth.of(rest)
      if !current.isEmpty, currentWidth + 1 + restWidth <= limit {
        current += " " + rest
        currentWidth += 1 + restWidth
        continue
      }
      if !current.isEmpty { lines.append(current) }
      while restWidth > limit {
        let piece = truncate(rest, to: limit, ellipsis: "")
        // A character wider than the whole line still has to go somewhere.
        let taken = piece.isEmpty ? String(rest.prefix(1)) : piece
        lines.append(taken)
        rest = String(rest.dropFirst(taken.count))
        restWidth = DisplayWidth.of(rest)
      }
      current = rest
      currentWidth = restWidth
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}
