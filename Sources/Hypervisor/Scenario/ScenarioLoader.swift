/// Loads scenarios from YAML files or from the built-in default, and validates them by
/// building their hosts once.
public enum ScenarioLoader {
  /// Loads and validates a scenario file; every problem is one `FILE:LINE: reason`.
  public static func load(path: String) throws(YAMLFileError) -> Scenario {
    try load(YAMLDocument(contentsOf: path))
  }

  /// Parses and validates scenario text; `file` names it in errors.
  public static func load(text: String, file: String) throws(YAMLFileError) -> Scenario {
    try load(YAMLDocument(text: text, file: file))
  }

  /// The built-in scenario: the seed article's walkthrough.
  public static func builtin() -> Scenario {
    do {
      return try load(text: BuiltinScenario.seedWalkthrough, file: "<built-in>")
    } catch {
      fatalError("the built-in scenario is invalid: \(error)")
    }
  }

  static func load(_ document: YAMLDocument) throws(YAMLFileError) -> Scenario {
    let scenario = try document.decode(Scenario.self)
    do {
      _ = try scenario.buildHosts(populateMemory: false)
    } catch {
      throw document.located(error)
    }
    return scenario
  }
}
