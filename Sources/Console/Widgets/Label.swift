/// A single line of text in one style: the simple case of `TextLine`.
public struct Label: Hashable, Sendable {
  public var text: String
  public var style: Style
  public var alignment: Alignment

  public init(_ text: String, style: Style = .text, alignment: Alignment = .left) {
    self.text = text
    self.style = style
    self.alignment = alignment
  }

  public init(_ text: String, role: Role, alignment: Alignment = .left) {
    self.init(text, style: Style(role), alignment: alignment)
  }

  /// Draws in the first row of `rect`, cut with `ellipsis` when given and needed.
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect, ellipsis: String? = nil) {
    TextLine([Span(text, style)]).draw(
      into: &buffer, in: rect, alignment: alignment, ellipsis: ellipsis)
  }
}
