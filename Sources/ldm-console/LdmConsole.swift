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
    keepFreedBuffersMapped()
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

  /// A migration's frames are half-megabyte buffers made and freed thousands of times a
  /// second, on several threads. glibc's defaults hand such memory back to the kernel as soon
  /// as it is free (trimming each arena's top, unmapping large chunks), so every new frame
  /// faulted its pages in again, and a transfer spent its CPU on page faults and zeroing
  /// (measured: the in-process stream at 0.77 of a fresh memcpy with glibc's defaults, 0.96
  /// with these; plain TCP between daemons 4.3 against 7.8 Gbit/s). Fixed thresholds, at the
  /// ceiling glibc's own adaptation would reach, keep the freed buffers for reuse; what stays
  /// mapped is a few frames per thread, not guest memory (that is mapped on its own).
  static func keepFreedBuffersMapped() {
    #if canImport(Glibc)
      // <malloc.h> is not in Swift's Glibc module: mallopt is looked up, with its two
      // parameters' numbers from that header.
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      let trimThreshold: Int32 = -1
      let mmapThreshold: Int32 = -3
      _ = mallopt(mmapThreshold, 32 << 20)
      _ = mallopt(trimThreshold, 64 << 20)
    #endif
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

  /// `scenario` with the stream's options (`--compress`, `--channels`, `--xbzrle`,
  /// `--xbzrle-cache`) laid over its `migration:` block's keys, read as the keys are (the same
  /// words and bounds, the same refusal after `ldm-console COMMAND: --OPTION: `); exits 2 on a
  /// bad value.
  static func applying(
    _ options: StreamOptions, to scenario: Scenario, command: String
  ) -> Scenario {
    var scenario = scenario
    set(
      &scenario.migration.compression, from: options.compress, "--compress",
      Quantities.compression)
    set(&scenario.migration.channels, from: options.channels, "--channels", Quantities.channels)
    if options.xbzrle { scenario.migration.xbzrle = true }
    set(
      &scenario.migration.xbzrleCache, from: options.xbzrleCache, "--xbzrle-cache",
      Quantities.xbzrleCache)
    return scenario

    func set<Value>(
      _ value: inout Value, from text: String?, _ option: String, _ quantity: Quantity<Value>
    ) {
      guard let text else { return }
      do {
        value = try quantity.value(of: text)
      } catch {
        exit(
          withError: "ldm-console \(command): \(option): \(error.reason)".escapingControlCharacters,
          status: 2)
      }
    }
  }

  static func exit(withError message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(status)
  }
}
