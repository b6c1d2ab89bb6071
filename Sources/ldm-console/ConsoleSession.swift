import ArgumentParser
import Console
import ConsoleTerminal
import Daemon
import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration

/// Wires the console's runtime to the ncurses terminal and the engine thread.
struct ConsoleSession {
  /// What the console watches: a scenario simulated here, or the daemons of `--connect`.
  enum Source {
    case scenario(Scenario)
    case daemons([DaemonLink])
  }

  var source: Source
  var theme: Theme
  var themeNames: [String]
  var themeIndex: Int
  var monochrome: Bool
  var environment: [String: String]
  /// The guided tour to run (`ldm-console demo`), if any.
  var demo: DemoScript?

  /// Opens the terminal and the engine and runs the console on them (see
  /// ``ConsoleRuntime/run()`` for the exit status).
  func run() throws -> Int32 {
    let engine: any EngineConnection
    let stopEngine: () -> Void
    switch source {
    case .scenario(let scenario):
      let live = try LiveDatacenter(
        scenario: scenario, baseDirectory: FileManager.default.currentDirectoryPath)
      (engine, stopEngine) = (live, live.stop)
    case .daemons(let links):
      let remote = RemoteEngine(links: links)
      remote.start()
      (engine, stopEngine) = (remote, remote.stop)
    }
    defer { stopEngine() }
    let terminal: Terminal
    do {
      terminal = try Terminal(
        term: environment["TERM"], capability: monochrome ? ColorCapability.none : nil,
        theme: theme)
    } catch {
      throw SessionError("ldm-console: \(error)")
    }
    defer { terminal.restore() }
    let crashPhase = Self.crashPhase(environment)
    var runtime = try ConsoleRuntime(
      backend: terminal, engine: engine,
      options: ConsoleRuntime.Options(
        themeNames: themeNames, themeIndex: themeIndex,
        glyphs: Terminal.isUTF8Locale ? .unicode : .ascii, demo: demo,
        observeSnapshot: { snapshot in
          if let crashPhase,
            snapshot.datacenter.migrations.contains(where: {
              $0.phase == crashPhase && !$0.isFinished
            })
          {
            fatalError("LDM_CONSOLE_CRASH_IN_PHASE=\(crashPhase.rawValue): crashing, as asked")
          }
        }))
    return runtime.run()
  }
}

extension ConsoleSession {
  /// Test hook: `LDM_CONSOLE_CRASH_IN_PHASE=N` (1-5) ends the process with a Swift fatal
  /// error once a migration is in phase N, so that end-to-end tests can prove a crash in the
  /// middle of a migration leaves the terminal usable. Documented in docs/errors.md.
  static func crashPhase(_ environment: [String: String]) -> Phase? {
    environment["LDM_CONSOLE_CRASH_IN_PHASE"].flatMap { Int($0) }.flatMap(Phase.init(rawValue:))
  }

  /// Chooses the theme (`--theme`, else `mono` under NO_COLOR, else `default`), runs the
  /// console and turns any failure into one line on standard error and exit status 2.
  static func launch(_ source: Source, theme: String?, demo: DemoScript? = nil) throws {
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
      source: source, theme: chosen, themeNames: names,
      themeIndex: names.firstIndex(of: themeSpec) ?? 0, monochrome: noColor && theme == nil,
      environment: environment, demo: demo)
    let status: Int32
    do {
      status = try session.run()
    } catch {
      LdmConsole.exit(withError: "\(error)", status: 2)
    }
    if status != 0 { throw ExitCode(status) }
  }
}

struct SessionError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
