/// A push button: `[ OK ]`.
public struct Button: Sendable {
  public var title: String
  public var isFocused: Bool

  public init(title: String, isFocused: Bool = false) {
    self.title = title
    self.isFocused = isFocused
  }

  /// The text drawn, without styles.
  public var text: String { "[ \(title) ]" }
  /// Columns the button takes.
  public var width: Int { DisplayWidth.of(text) }

  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    Label(text, role: isFocused ? .buttonFocus : .button).draw(into: &buffer, in: rect)
  }
}
