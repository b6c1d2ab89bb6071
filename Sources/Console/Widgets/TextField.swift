/// A one-line input: an optional label, then the value on an input-coloured field.
///
/// A masked field shows one `*` per character and never the value itself, so a password can
/// not leak into a frame, a screenshot or a golden test.
public struct TextField: Sendable {
  public var label: String?
  public var labelRole: Role
  public var input: TextInput
  public var isMasked: Bool
  public var isFocused: Bool

  public init(
    label: String? = nil, input: TextInput, isMasked: Bool = false, isFocused: Bool = false,
    labelRole: Role = .text
  ) {
    self.label = label
    self.labelRole = labelRole
    self.input = input
    self.isMasked = isMasked
    self.isFocused = isFocused
  }

  /// What the field shows for the value.
  public var shownText: String {
    isMasked ? String(repeating: "*", count: input.value.count) : input.value
  }

  /// Draws in the first row of `rect`; the field scrolls so that the cursor stays visible.
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    guard !rect.isEmpty else { return }
    var field = rect.row(0)
    if let label, !label.isEmpty {
      let end = buffer.put(label, x: field.x, y: field.y, style: Style(labelRole), clip: field)
      field = field.inset(left: min(field.width, end - field.x))
    }
    guard !field.isEmpty else { return }
    let style = Style(isFocused ? .inputFocus : .input)
    buffer.fill(field, style: style)
    let characters = Array(shownText)
    let widths = characters.map(DisplayWidth.of)
    let cursorColumn = widths.prefix(input.cursor).reduce(0, +)
    // Scroll by whole characters until the cursor cell fits inside the field.
    var first = 0
    var firstColumn = 0
    while cursorColumn - firstColumn >= field.width, first < characters.count {
      firstColumn += widths[first]
      first += 1
    }
    var x = field.x
    for index in first..<characters.count {
      if x >= field.maxX { break }
      let isCursor = isFocused && index == input.cursor
      let cellStyle = isCursor ? Style(.input, .reverse) : style
      x = buffer.put(characters[index], x: x, y: field.y, style: cellStyle, clip: field)
    }
    if isFocused, input.cursor == characters.count {
      let cursorX = field.x + cursorColumn - firstColumn
      if cursorX < field.maxX {
        buffer.put(" ", x: cursorX, y: field.y, style: Style(.input, .reverse), clip: field)
      }
    }
  }
}
