import ArgumentParser
import Console
import Foundation
import Hypervisor

/// `ldm-console demo`: the console on the built-in scenario with the guided tour running.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "A guided tour of live migration inside the console (presenter mode).",
    discussion: """
      Plays, on the built-in scenario: the migration of ldom01 renamed ldom_other
      to sparc-t4-b, stopping at each of its five phases; a migration cancelled in
      mid-transfer; a pre-check failure (ldom03); a dry run. A banner narrates
      each step. Space or n goes on, q leaves; every other console key works.
      """)

  @Option(
    help: "A theme: a built-in name or a YAML file, as for ldm-console. NO_COLOR selects mono.")
  var theme: String?

  func run() throws {
    try ConsoleSession.launch(.scenario(ScenarioLoader.builtin()), theme: theme, demo: .tour)
  }
}
