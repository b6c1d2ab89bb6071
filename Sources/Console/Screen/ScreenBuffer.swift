/// A frame of the screen as pure data: a width × height grid of cells.
///
/// Views draw into a fresh buffer every frame; the terminal compares it with the previous one
/// (`changes(from:)`) and writes only what changed. Drawing clips to the buffer and to an
/// optional rectangle, measures text in display columns (wide characters take two cells), and
/// replaces control characters with `?` so that no escape sequence can reach the terminal.
public struct ScreenBuffer: Sendable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  var cells: [PackedCell]
  /// Multi-scalar graphemes referenced by cluster cells; append-only within a frame.
  var clusters: [String] = []

  /// What a control character is drawn as.
  public static let controlPlaceholder: Unicode.Scalar = "?"

  /// A buffer of blank cells in `style`.
  public init(width: Int, height: Int, style: Style = .text) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: .blank(style), count: self.width * self.height)
  }

  /// The whole buffer as a rectangle.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at (`x`, `y`), which must be inside the buffer.
  public subscript(x: Int, y: Int) -> Cell {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "cell (\(x),\(y)) out of bounds")
    let packed = cells[y * width + x]
    return Cell(text: text(of: packed), width: Int(packed.width), style: packed.style)
  }

  func text(of packed: PackedCell) -> String {
    if packed.width == 0 { return "" }
    if packed.isCluster { return clusters[packed.clusterIndex] }
    return String(Character(Unicode.Scalar(packed.code)!))
  }

  // MARK: Drawing

  /// Draws `text` on row `y` from column `x`, clipped to `clip` (and to the buffer).
  ///
  /// Returns the column after the drawn text; once the text is cut at the clip's right edge,
  /// the result is that edge or beyond. Lone zero-width characters are dropped; a wide
  /// character cut by either clip edge leaves a space for its visible half.
  @discardableResult
  public mutating func put(
    _ text: String, x: Int, y: Int, style: Style = .text, clip: Rect? = nil
  ) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    guard y >= area.minY, y < area.maxY, area.width > 0 else {
      return x + DisplayWidth.of(text)
    }
    let utf8 = text.utf8
    // ASCII is drawn byte by byte; only the rest needs grapheme breaking.
    guard let firstWide = utf8.firstIndex(where: { $0 >= 0x80 }) else {
      return putASCII(utf8, x: x, y: y, style: style, area: area)
    }
    var column = x
    var tail = text[...]
    if firstWide != utf8.startIndex {
      // The last ASCII byte may be the base of a combining sequence: leave it to the slow path.
      let asciiEnd = utf8.index(before: firstWide)
      column = putASCII(utf8[..<asciiEnd], x: column, y: y, style: style, area: area)
      if column >= area.maxX { return column }
      tail = text[asciiEnd...]
    }
    for character in tail {
      column = put(character, x: column, y: y, style: style, area: area)
      if column >= area.maxX { break }
    }
    return column
  }

  /// Draws one grapheme at (`x`, `y`), clipped like `put(_:x:y:style:clip:)`.
  @discardableResult
  public mutating func put(
    _ character: Character, x: Int, y: Int, style: Style = .text, clip: Rect? = nil
  ) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    guard y >= area.minY, y < area.maxY, area.width > 0 else {
      return x + DisplayWidth.of(character)
    }
    return put(character, x: x, y: y, style: style, area: area)
  }

  /// Fills `rect` (clipped to the buffer) with `character` in `style`.
  public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .text) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    let scalars = character.unicodeScalars
    if scalars.count == 1, DisplayWidth.of(character) == 1 {
      let packed = PackedCell(code: scalars.first!.value, width: 1, style: style)
      for row in area.minY..<area.maxY {
        for column in area.minX..<area.maxX { store(packed, at: row * width + column) }
      }
      return
    }
    for row in area.minY..<area.maxY {
      var column = area.minX
      while column < area.maxX {
        let next = put(character, x: column, y: row, style: style, area: area)
        column = max(next, column + 1)
      }
    }
  }

  /// Changes the style of the cells in `rect`, keeping their text (e.g. a selection bar).
  public mutating func restyle(_ rect: Rect, style: Style) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    for row in area.minY..<area.maxY {
      let base = row * width
      for column in area.minX..<area.maxX { cells[base + column].style = style }
      // Keep both halves of a wide character cut by the rectangle in one style.
      if area.minX > 0, cells[base + area.minX].width == 0 {
        cells[base + area.minX - 1].style = style
      }
      if area.maxX < width, cells[base + area.maxX].width == 0 {
        cells[base + area.maxX].style = style
      }
    }
  }

  // MARK: Reading back

  /// The plain text of row `y`, trailing spaces trimmed.
  public func line(_ y: Int) -> String {
    guard y >= 0, y < height else { return "" }
    var line = ""
    line.reserveCapacity(width)
    for packed in cells[(y * width)..<((y + 1) * width)] where packed.width != 0 {
      if packed.isCluster {
        line += clusters[packed.clusterIndex]
      } else {
        line.unicodeScalars.append(Unicode.Scalar(packed.code)!)
      }
    }
    while line.last == " " { line.removeLast() }
    return line
  }

  /// The whole screen as plain text: rows joined with newlines, trailing spaces trimmed.
  public func rendered() -> String {
    (0..<height).map(line).joined(separator: "\n")
  }

  // MARK: Internals

  private mutating func putASCII(
    _ bytes: some Collection<UInt8>, x: Int, y: Int, style: Style, area: Rect
  ) -> Int {
    var column = x
    let rowBase = y * width
    let placeholder = Self.controlPlaceholder.value
    for byte in bytes {
      if column >= area.maxX { return column }
      if column >= area.minX {
        let code = byte < 0x20 || byte == 0x7F ? placeholder : UInt32(byte)
        store(PackedCell(code: code, width: 1, style: style), at: rowBase + column)
      }
      column += 1
    }
    return column
  }

  private mutating func put(_ character: Character, x: Int, y: Int, style: Style, area: Rect)
    -> Int
  {
    let scalars = character.unicodeScalars
    let first = scalars.first!
    if DisplayWidth.isControl(first) {
      var column = x
      for _ in scalars {
        column = putCode(Self.controlPlaceholder.value, width: 1, x: column, y: y, style, area)
      }
      return column
    }
    let columns = DisplayWidth.of(character)
    if columns == 0 { return x }
    if x >= area.maxX || x + columns <= area.minX { return x + columns }
    if x < area.minX || x + columns > area.maxX {
      // A wide character cut by the clip: show a space for the half that is inside.
      let visible = max(x, area.minX)
      store(.blank(style), at: y * width + visible)
      return x + columns
    }
    var code = first.value
    if scalars.count > 1 {
      code = PackedCell.clusterFlag | UInt32(clusters.count)
      clusters.append(String(character))
    }
    return putCode(code, width: columns, x: x, y: y, style, area)
  }

  private mutating func putCode(
    _ code: UInt32, width columns: Int, x: Int, y: Int, _ style: Style, _ area: Rect
  ) -> Int {
    guard x >= area.minX, x + columns <= area.maxX else { return x + columns }
    let index = y * width + x
    if columns == 2 {
      // The right half first: it may blank a wide character whose left half we overwrite next.
      store(.continuation(style), at: index + 1)
    }
    store(PackedCell(code: code, width: UInt8(columns), style: style), at: index)
    return x + columns
  }

  /// Writes one cell, blanking the other half of any wide character it overwrites.
  @inline(__always)
  private mutating func store(_ packed: PackedCell, at index: Int) {
    let old = cells[index].width
    if old == 0 {
      if index % width > 0 { cells[index - 1] = .blank(cells[index - 1].style) }
    } else if old == 2, (index + 1) % width != 0 {
      cells[index + 1] = .blank(cells[index + 1].style)
    }
    cells[index] = packed
  }
}

extension ScreenBuffer: Equatable {
  /// Buffers are equal when they have the same size and every cell looks the same.
  public static func == (lhs: ScreenBuffer, rhs: ScreenBuffer) -> Bool {
    guard lhs.width == rhs.width, lhs.height == rhs.height else { return false }
    for index in lhs.cells.indices where !lhs.sameCell(index, as: rhs) { return false }
    return true
  }

  /// Whether cell `index` looks the same in both buffers (of the same size).
  @inline(__always)
  func sameCell(_ index: Int, as other: ScreenBuffer) -> Bool {
    let mine = cells[index]
    let theirs = other.cells[index]
    if mine == theirs, !mine.isCluster { return true }
    // A continuation is drawn by its left half, so its own style does not matter.
    if mine.width == 0 || theirs.width == 0 { return mine.width == theirs.width }
    guard mine.style == theirs.style, mine.width == theirs.width else { return false }
    guard mine.isCluster, theirs.isCluster else { return mine.code == theirs.code }
    return clusters[mine.clusterIndex] == other.clusters[theirs.clusterIndex]
  }
}
