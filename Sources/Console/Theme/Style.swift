/// Text attributes a theme (or a widget, for emphasis) may put on a cell.
public struct TextAttributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8

  public init(rawValue: UInt8) {
    self.rawValue = rawValue
  }

  public static let bold = TextAttributes(rawValue: 1 << 0)
  public static let dim = TextAttributes(rawValue: 1 << 1)
  public static let underline = TextAttributes(rawValue: 1 << 2)
  public static let reverse = TextAttributes(rawValue: 1 << 3)
  public static let italic = TextAttributes(rawValue: 1 << 4)

  /// The attributes by their theme-file names, in the order the files list them.
  public static let named: [(name: String, attribute: TextAttributes)] = [
    ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse),
    ("italic", .italic),
  ]

  /// The theme-file names of the attributes in this set.
  public var names: [String] {
    Self.named.filter { contains($0.attribute) }.map(\.name)
  }
}

/// How one cell looks: a semantic role plus optional extra attributes.
///
/// Kept to two bytes because every cell of every frame carries one; the theme turns it into
/// colours only when the terminal writes a changed run.
public struct Style: Hashable, Sendable {
  /// The semantic role, resolved to colours by the theme.
  public var role: Role
  /// Attributes added on top of the role's own (e.g. bold for emphasis inside a line).
  public var attributes: TextAttributes

  /// A style for `role`, with optional extra attributes.
  public init(_ role: Role = .text, _ attributes: TextAttributes = []) {
    self.role = role
    self.attributes = attributes
  }

  /// The plain text style.
  public static let text = Style(.text)
}
