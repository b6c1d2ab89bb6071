/// A one-line answer in the footer: what a `:` command printed, or why a key was refused.
///
/// It replaces the key hints until the next key, so the screen above stays as it was.
public struct StatusMessage: Sendable, Equatable {
  public var text: String
  /// `.logError` and `.logWarning` for refusals and failures, `.footerText` otherwise.
  public var role: Role

  public init(_ text: String, role: Role = .footerText) {
    self.text = text
    self.role = role
  }
}
