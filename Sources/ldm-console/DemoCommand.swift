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
    let environment = ProcessInfo.processInfo.environment
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    let themeSpec = theme ?? (noColor ? "mono" : "default")
    let chosen: Theme
    do {
      chosen = try ThemeCatalog.load(themeSpec)
    } catch {
      LdmConsole.exit(withError: "\(error)", status: 2)
    }
    var names = ThemeCatalog.builtinNames
    if !names.contains(themeSpec) { names.insert(themeSpec, at: 0) }
    let session = ConsoleSession(
      scenario: ScenarioLoader.builtin(), theme: chosen, themeNames: names,
      themeIndex: names.firstIndex(of: themeSpec) ?? 0, monochrome: noColor && theme == nil,
      environment: environment, demo: .tour)
    let status: Int32
    do {
      status = try session.run()
    } catch {
      LdmConsole.exit(withError: "\(error)", status: 2)
    }
    if status != 0 { throw ExitCode(status) }
  }
}
