/// The editing state of a one-line text field: its value and a cursor, in characters.
///
/// Pure, so forms are tested without a terminal; `TextField` draws it.
public struct TextInput: Hashable, Sendable {
  public private(set) var value: String
  /// Cursor position, 0…`value.count` (in characters).
  public private(set) var cursor: Int

  public init(_ value: String = "", cursor: Int? = nil) {
    self.value = value
    self.cursor = min(max(0, cursor ?? value.count), value.count)
  }

  /// Applies an editing key; returns false for keys that are not editing keys (Enter, Tab,
  /// arrows up and down…), which the form handles itself.
  @discardableResult
  public mutating func apply(_ key: KeyEvent) -> Bool {
    switch key {
    case .character(let character):
      insert(character)
    case .backspace:
      guard cursor > 0 else { return true }
      cursor -= 1
      remove(at: cursor)
    case .delete, .ctrl("d"):
      if cursor < value.count { remove(at: cursor) }
    case .left, .ctrl("b"): cursor = max(0, cursor - 1)
    case .right, .ctrl("f"): cursor = min(value.count, cursor + 1)
    case .home, .ctrl("a"): cursor = 0
    case .end, .ctrl("e"): cursor = value.count
    case .ctrl("u"):
      value = String(value.dropFirst(cursor))
      cursor = 0
    case .ctrl("k"): value = String(value.prefix(cursor))
    case .ctrl("w"): deleteWordBeforeCursor()
    default: return false
    }
    return true
  }

  /// Inserts at the cursor; control characters are refused.
  public mutating func insert(_ character: Character) {
    guard let first = character.unicodeScalars.first, !DisplayWidth.isControl(first) else {
      return
    }
    let index = value.index(value.startIndex, offsetBy: cursor)
    value.insert(character, at: index)
    cursor += 1
  }

  private mutating func remove(at position: Int) {
    value.remove(at: value.index(value.startIndex, offsetBy: position))
  }

  private mutating func deleteWordBeforeCursor() {
    let before = Array(value.prefix(cursor))
    var start = before.count
    while start > 0, before[start - 1] == " " { start -= 1 }
    while start > 0, before[start - 1] != " " { start -= 1 }
    value = String(before[..<start]) + value.dropFirst(cursor)
    cursor = start
  }
}
