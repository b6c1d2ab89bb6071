/// Columns padded the way ldm pads them: each column at least its minimum width and always
/// one space wider than its longest cell, the last column unpadded, trailing spaces trimmed.
struct TextTable {
  var headers: [String]
  var minimumWidths: [Int]
  var rows: [[String]] = []
  /// Text before every line (ldm indents the tables of `-l` and `list-services` by four).
  var indent = ""

  init(headers: [String], minimumWidths: [Int], indent: String = "") {
    self.headers = headers
    self.minimumWidths = minimumWidths
    self.indent = indent
  }

  mutating func append(_ row: [String]) { rows.append(row) }

  var lines: [String] {
    let widths = headers.indices.map { column in
      let longest = ([headers] + rows).map { $0[column].count }.max() ?? 0
      return max(minimumWidths[column], longest + 1)
    }
    return ([headers] + rows).map { cells in
      var line = indent
      for (column, cell) in cells.enumerated() {
        let isLast = column == cells.count - 1
        line += isLast ? cell : cell.padding(to: widths[column])
      }
      return line.trimmingTrailingSpaces()
    }
  }
}

extension String {
  func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }

  func trimmingTrailingSpaces() -> String {
    var text = Substring(self)
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
