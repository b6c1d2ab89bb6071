import ArgumentParser
import Console
import Daemon
import Foundation

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

  @OptionGroup(title: "The page stream")
  var stream: StreamOptions

  @OptionGroup(title: "Daemons")
  var daemons: DaemonTargets

  func validate() throws {
    if daemons.isRemote, let option = scenario != nil ? "--scenario" : stream.firstGiven {
      throw ValidationError(
        "\(option) and --connect do not go together:"
          + " each ldmd runs its own scenario")
    }
  }

  func run() throws {
    guard daemons.isRemote else {
      let scenario = LdmConsole.applying(
        stream, to: LdmConsole.loadScenario(scenario), command: "console")
      return try ConsoleSession.launch(.scenario(scenario), theme: theme)
    }
    let links: [DaemonLink]
    do {
      // Once the screen is the console's, what the links see shows on the hosts' panes.
      links = try daemons.links(
        warn: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }, log: { _ in })
    } catch {
      LdmConsole.exit(withError: "ldm-console: \(error)", status: 2)
    }
    try ConsoleSession.launch(.daemons(links), theme: theme)
  }
}
