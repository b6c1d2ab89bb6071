/// How a role looks in a theme: colours and attributes.
public struct RoleStyle: Hashable, Sendable {
  public var foreground: Color
  public var background: Color
  public var attributes: TextAttributes

  public init(
    foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }
}

/// A colour theme: a look for every `Role`.
///
/// Themes are YAML files (see `Themes/README.md`); roles a file leaves out come from
/// `Theme.base`, which uses attributes only so that every role stays distinguishable.
public struct Theme: Hashable, Sendable {
  /// The theme's name, as `ThemeCatalog` lists it.
  public var name: String
  /// One line saying what the theme is for.
  public var description: String
  /// Indexed by `Role.ordinal`.
  private var styles: [RoleStyle]

  /// A theme with the given role looks; the others come from `base` (or are plain text).
  public init(
    name: String, description: String = "", roles: [Role: RoleStyle] = [:], base: Theme? = .base
  ) {
    self.name = name
    self.description = description
    styles = base?.styles ?? Array(repeating: RoleStyle(), count: Role.allCases.count)
    for (role, style) in roles { styles[role.ordinal] = style }
  }

  /// The look of `role`.
  public subscript(role: Role) -> RoleStyle {
    get { styles[role.ordinal] }
    set { styles[role.ordinal] = newValue }
  }

  /// The attribute-only look every theme starts from (the same as `Themes/mono.yaml`).
  public static let base: Theme = {
    let attributes: [Role: TextAttributes] = [
      .textDim: .dim, .title: .bold, .borderFocus: .bold, .header: [.bold, .underline],
      .selection: .reverse, .stateActive: .bold, .stateInactive: .dim,
      .stateSuspended: [.bold, .underline], .flagMigration: .bold,
      .flagError: [.bold, .underline], .progressDone: .bold, .progressTodo: .dim,
      .phaseCurrent: [.bold, .reverse], .phasePending: .dim, .phaseFailed: [.bold, .underline],
      .statValue: .bold, .statBad: [.bold, .underline], .logTime: .dim, .logWarning: .bold,
      .logError: [.bold, .underline], .footerKey: .bold, .footerText: .reverse,
      .dialogTitle: .bold, .input: .underline, .inputFocus: .reverse,
      .buttonFocus: [.reverse, .bold], .notice: [.bold, .reverse],
    ]
    return Theme(
      name: "mono", description: "No colours; bold, dim, underline and reverse only.",
      roles: attributes.mapValues { RoleStyle(attributes: $0) }, base: nil)
  }()

  /// The theme as the terminal can show it.
  ///
  /// Without colour, a role drawn on a background of its own (a selection bar, a dialog, the
  /// footer) gains reverse video, so that it still stands out from the text around it.
  public func resolve(for capability: ColorCapability) -> ResolvedTheme {
    let textBackground = self[.text].background
    let resolved = Role.allCases.map { role -> ResolvedStyle in
      let style = self[role]
      var attributes = style.attributes
      if capability == .none, style.background != .default, style.background != textBackground {
        attributes.insert(.reverse)
      }
      return ResolvedStyle(
        foreground: Self.map(style.foreground, to: capability),
        background: Self.map(style.background, to: capability),
        attributes: attributes)
    }
    return ResolvedTheme(name: name, capability: capability, styles: resolved)
  }

  static func map(_ color: Color, to capability: ColorCapability) -> TerminalColor {
    switch (color, capability) {
    case (_, .none), (.default, _): return .default
    case (.named(let name), .basic8): return .index(Int(name.index) % 8)
    case (.named(let name), _): return .index(Int(name.index))
    case (.indexed(let index), .basic8):
      let (r, g, b) = ColorMapping.rgb(ofIndex: Int(index))
      return .index(index < 16 ? Int(index) % 8 : ColorMapping.nearest8(red: r, green: g, blue: b))
    case (.indexed(let index), _): return .index(Int(index))
    case (.rgb(let r, let g, let b), .trueColor):
      return .rgb(Int(r) << 16 | Int(g) << 8 | Int(b))
    case (.rgb(let r, let g, let b), .palette256):
      return .index(ColorMapping.nearest256(red: Int(r), green: Int(g), blue: Int(b)))
    case (.rgb(let r, let g, let b), .basic8):
      return .index(ColorMapping.nearest8(red: Int(r), green: Int(g), blue: Int(b)))
    }
  }
}

/// A role's look in terminal terms.
public struct ResolvedStyle: Hashable, Sendable {
  public var foreground: TerminalColor
  public var background: TerminalColor
  public var attributes: TextAttributes
}

/// A theme mapped onto one terminal's colour capability: what the terminal backend draws with.
public struct ResolvedTheme: Hashable, Sendable {
  /// The theme's name.
  public let name: String
  /// The capability it was resolved for.
  public let capability: ColorCapability
  private let styles: [ResolvedStyle]

  init(name: String, capability: ColorCapability, styles: [ResolvedStyle]) {
    self.name = name
    self.capability = capability
    self.styles = styles
  }

  /// The look of a cell style: its role's look plus the style's extra attributes.
  public func look(of style: Style) -> ResolvedStyle {
    var resolved = styles[style.role.ordinal]
    resolved.attributes.formUnion(style.attributes)
    return resolved
  }
}
