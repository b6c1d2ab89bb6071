import ArgumentParser
import Daemon
import Foundation
import Hypervisor
import LdmCommands

/// `ldm-console run`: the headless run mode (DESIGN §6).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a script of ldm command lines against a scenario and print a transcript.",
    discussion: """
      A script line is one of:
        HOST# COMMAND        run COMMAND (ldm …, psrinfo -pv, prtconf -pv) on HOST
        COMMAND              run it on the scenario's first host
        COMMAND &            run it in the background; its end is reported as
                             [N] Done  COMMAND  or  [N] Exit 1  COMMAND
        sleep DURATION       let simulated time pass (500ms, 3s, 2m)
        wait                 wait for every background command
        fault KIND [after PHASE|after DURATION]
                             KIND: link-down, target-oom, target-crash or
                             slow-link RATE (e.g. 10Mbit/s)
        # comment            ignored, as are blank lines

      Time is simulated: a run is instant and deterministic. A foreground
      ldm migrate waits until its migration ends. Password files (-p FILE) are
      read relative to the script's directory; without -p, ldm migrate fails as
      there is no terminal to prompt for the password. SCRIPT - reads the script
      from standard input; password files are then relative to the working
      directory.

      The transcript is written line by line as the script runs, so an
      interrupted run keeps what already ran.

      With --connect NAME=ADDR:PORT for each host, the script runs against
      daemons (ldm-console ldmd) on the wall clock: sleep waits for real, each
      command runs on its host's daemon (-p FILE is read there, as ldm reads it on
      the control domain), and fault is refused. The scenario and migration
      options then belong to the daemons.

      Exit status: 0 when every command succeeded, 1 when any failed (the script
      still runs to its end), 2 for a bad script, scenario or option.
      """)

  @Option(help: "A scenario YAML file (default: the built-in seed walkthrough).")
  var scenario: String?

  @Option(help: "Link bandwidth, e.g. 1Gbit/s, 10Gbit/s, unlimited.")
  var link: String?

  @Option(help: "One-way link latency, paid once per pass, e.g. 0.5ms.")
  var latency: String?

  @Option(help: "Longest suspension allowed, e.g. 300ms.")
  var downtimeLimit: String?

  @Option(help: "Pre-copy passes before suspending anyway.")
  var maxPasses: String?

  @Flag(help: "Throttle a guest that dirties memory faster than it can be sent.")
  var autoConverge = false

  @OptionGroup(title: "The page stream")
  var stream: StreamOptions

  @Option(help: "Write every engine event to FILE as JSON lines.")
  var events: String?

  @Argument(help: "The script to run, or - for standard input.")
  var script: String?

  @OptionGroup(title: "Daemons")
  var daemons: DaemonTargets

  @Option(
    help: ArgumentHelp(
      "With --connect: how long to wait for every ldmd before the script starts (default 10s).",
      valueName: "DURATION"))
  var connectTimeout: String?

  func validate() throws {
    guard daemons.isRemote else {
      if connectTimeout != nil {
        throw ValidationError("--connect-timeout applies only with --connect")
      }
      return
    }
    let simulated = [
      ("--scenario", scenario != nil), ("--link", link != nil), ("--latency", latency != nil),
      ("--downtime-limit", downtimeLimit != nil), ("--max-passes", maxPasses != nil),
      ("--auto-converge", autoConverge), (stream.firstGiven ?? "", stream.firstGiven != nil),
    ]
    if let (name, _) = simulated.first(where: { $0.1 }) {
      throw ValidationError(
        "\(name) applies to a simulated run; with --connect each ldmd runs its own scenario")
    }
  }

  func run() throws {
    guard let script else {
      Self.fail("ldm-console run: missing SCRIPT (see ldm-console run --help)")
    }
    var eventFile: FileHandle?
    if let events {
      guard FileManager.default.createFile(atPath: events, contents: nil),
        let handle = FileHandle(forWritingAtPath: events)
      else {
        Self.fail("ldm-console run: cannot write events file \(events)")
      }
      eventFile = handle
    }
    defer { try? eventFile?.close() }
    if daemons.isRemote {
      return try runAgainstDaemons(script, events: eventFile)
    }
    let arguments = RunMode.Arguments(
      scriptPath: script, scenarioPath: scenario, link: link, latency: latency,
      downtimeLimit: downtimeLimit, maxPasses: maxPasses, autoConverge: autoConverge,
      compress: stream.compress, channels: stream.channels, xbzrle: stream.xbzrle,
      xbzrleCache: stream.xbzrleCache)
    let output = RunMode.Output(
      transcript: { Self.writeLine($0, to: .standardOutput) },
      error: { Self.writeLine($0, to: .standardError) },
      events: eventFile.map { handle in { Self.writeLine($0, to: handle) } })
    let status = RunMode.run(
      arguments, files: LocalFiles(),
      workingDirectory: FileManager.default.currentDirectoryPath,
      standardInput: {
        String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8)
      },
      output: output)
    if status != 0 { throw ExitCode(status) }
  }

  func runAgainstDaemons(_ script: String, events: FileHandle?) throws {
    let links: [DaemonLink]
    do {
      links = try daemons.links(
        warn: { Self.writeLine($0, to: .standardError) },
        log: { Self.writeLine($0, to: .standardError) })
    } catch {
      Self.fail("ldm-console run: \(error)")
    }
    var timeout = RemoteScriptRunner.connectTimeout
    if let connectTimeout {
      do {
        timeout = try Quantities.connectTimeout.value(of: connectTimeout)
      } catch {
        Self.fail(
          "ldm-console run: --connect-timeout: \(error.reason)".escapingControlCharacters)
      }
    }
    let output = RunMode.Output(
      transcript: { Self.writeLine($0, to: .standardOutput) },
      error: { Self.writeLine($0, to: .standardError) },
      events: events.map { handle in { Self.writeLine($0, to: handle) } })
    let status = RemoteScriptRunner.run(
      scriptPath: script, links: links, files: LocalFiles(),
      workingDirectory: FileManager.default.currentDirectoryPath,
      standardInput: {
        String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8)
      },
      output: output, connectTimeout: timeout)
    if status != 0 { throw ExitCode(status) }
  }

  /// Writes one line at once (one write(2)), so a transcript going to a pipe or a file keeps
  /// every line that ran when the run is interrupted: `print` buffers a pipe's output in
  /// blocks, and a signal ends the process with the buffer unwritten. A closed output (EPIPE)
  /// loses the line, as it would in any shell pipeline.
  static func writeLine(_ line: String, to handle: FileHandle) {
    try? handle.write(contentsOf: Data((line + "\n").utf8))
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(2)
  }
}
