import ArgumentParser
import Console

/// The full-screen console: the default subcommand, so `ldm-console --scenario FILE` opens it.
///
/// Its options live here rather than on the root command: ArgumentParser gives an option
/// declared on both a parent and a child to the parent, which made `run --scenario` silently
/// read the built-in scenario.
struct ConsoleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "console",
    abstract: "Open the full-screen console (the default).")

  @Option(help: "A scenario YAML file (default: the built-in seed walkthrough).")
  var scenario: String?

  @Option(
    help: ArgumentHelp(
      "A theme: a built-in name or a YAML file; NO_COLOR selects mono.",
      discussion: "Built-in: \(ThemeCatalog.builtinNames.joined(separator: ", ")).")
  )
  var theme: String?

  func run() throws {
    try ConsoleSession.launch(scenario: LdmConsole.loadScenario(scenario), theme: theme)
  }
}
