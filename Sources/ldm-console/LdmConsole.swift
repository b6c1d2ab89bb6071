import ArgumentParser
import Console
import Foundation
import Hypervisor

@main
struct LdmConsole: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ldm-console",
    abstract: "Watch and drive live migrations of logical domains between two hypervisors.",
    discussion: """
      With no subcommand (or with `console`), opens the full-screen console on the scenario (default: the
      built-in seed walkthrough: hosts sparc-t4-a and sparc-t4-b, root password 'secret').
      Press ? in the console for every key.
      """,
    version: "0.1.0",
    subcommands: [
      ConsoleCommand.self, RunCommand.self, BenchCommand.self, SoakCommand.self,
      DemoCommand.self, CertsCommand.self, LdmdCommand.self,
    ],
    defaultSubcommand: ConsoleCommand.self)

  /// ArgumentParser's entry point, with usage errors ending in status 2 and one line, as every
  /// other bad input does (its default is 64 and a usage block).
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var daemon = command as? any AsyncParsableCommand {
        try await daemon.run()
      } else {
        try command.run()
      }
    } catch {
      if exitCode(for: error) == .validationFailure {
        let message = Self.message(for: error)
        exit(withError: "ldm-console: \(message) (see ldm-console --help)", status: 2)
      }
      exit(withError: error)
    }
  }

  /// The scenario file or the built-in one; a bad file ends the program with its one line.
  static func loadScenario(_ path: String?) -> Scenario {
    guard let path else { return ScenarioLoader.builtin() }
    do {
      return try ScenarioLoader.load(path: path)
    } catch {
      exit(withError: error.description, status: 2)
    }
  }

  /// `scenario` with `--compress` laid over its `compress:` key, read as the key is (the same
  /// words, the same refusal after `ldm-console COMMAND: --compress: `); exits 2 on a bad word.
  static func applying(compress text: String?, to scenario: Scenario, command: String) -> Scenario {
    guard let text else { return scenario }
    var scenario = scenario
    do {
      scenario.migration.compression = try Quantities.compression.value(of: text)
    } catch {
      exit(
        withError: "ldm-console \(command): --compress: \(error.reason)".escapingControlCharacters,
        status: 2)
    }
    return scenario
  }

  /// `scenario` with `--channels` laid over its `channels:` key, within the key's bounds;
  /// exits 2 on a bad number.
  static func applying(channels text: String?, to scenario: Scenario, command: String)
    -> Scenario
  {
    guard let text else { return scenario }
    var scenario = scenario
    do {
      scenario.migration.channels = try Quantities.channels.value(of: text)
    } catch {
      exit(
        withError: "ldm-console \(command): --channels: \(error.reason)".escapingControlCharacters,
        status: 2)
    }
    return scenario
  }

  static func exit(withError message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(status)
  }
}
