import Foundation

/// The themes ldm-console knows: the built-in ones by name, or any file by path.
public enum ThemeCatalog {
  /// The built-in theme names, in the order the `t` key cycles through them.
  public static var builtinNames: [String] { BuiltinThemes.names }

  /// The built-in theme `name`, or nil when there is none by that name.
  public static func builtin(named name: String) -> Theme? {
    guard let source = BuiltinThemes.source(named: name) else { return nil }
    // The shipped themes are checked by the tests, so a failure here is a build defect.
    return try! Theme.parse(yaml: source, file: "Themes/\(name).yaml", fallbackName: name)
  }

  /// The built-in themes, in cycling order.
  public static func builtins() -> [Theme] {
    builtinNames.compactMap(builtin(named:))
  }

  /// Loads a theme by built-in name, or else as a path to a YAML file.
  ///
  /// An argument containing a `/` or ending in `.yaml`/`.yml` is always taken as a path.
  public static func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
    let looksLikePath =
      nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
    if !looksLikePath, let theme = builtin(named: nameOrPath) { return theme }
    if !looksLikePath, !FileManager.default.fileExists(atPath: nameOrPath) {
      let known = builtinNames.joined(separator: ", ")
      throw ThemeError(
        file: nameOrPath, line: nil, reason: "no such theme (built-in themes: \(known))")
    }
    return try load(file: nameOrPath)
  }

  /// Loads and checks the theme file at `path`; errors name the file as given.
  public static func load(file path: String) throws(ThemeError) -> Theme {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: path)
        ? "cannot read the file (not UTF-8 text, or no permission)" : "no such file"
      throw ThemeError(file: path, line: nil, reason: reason)
    }
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return try Theme.parse(yaml: text, file: path, fallbackName: stem)
  }
}
