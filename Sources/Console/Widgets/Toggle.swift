/// A check box: `[x] dry run`.
public struct Toggle: Sendable {
  public var label: String
  public var isOn: Bool
  public var isFocused: Bool
  public var role: Role

  public init(label: String, isOn: Bool, isFocused: Bool = false, role: Role = .text) {
    self.label = label
    self.isOn = isOn
    self.isFocused = isFocused
    self.role = role
  }

  /// The text drawn, without styles.
  public var text: String { (isOn ? "[x] " : "[ ] ") + label }

  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    Label(text, role: isFocused ? .inputFocus : role).draw(into: &buffer, in: rect)
  }
}
