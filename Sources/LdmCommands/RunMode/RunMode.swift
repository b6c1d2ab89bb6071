import Engine
import Hypervisor
import Migration

/// `ldm-console run`: loads the scenario, applies the options, parses the script and runs it,
/// with the exit statuses of DESIGN §6 (0 all succeeded, 1 a command failed, 2 a bad script,
/// scenario or usage). The executable only maps its arguments onto this.
public enum RunMode {
  /// The options of `run`, as typed; values are checked here so the messages are tested.
  public struct Arguments: Sendable, Equatable {
    public var scriptPath: String
    public var scenarioPath: String?
    public var link: String?
    public var downtimeLimit: String?
    public var maxPasses: String?
    public var autoConverge: Bool

    public init(
      scriptPath: String, scenarioPath: String? = nil, link: String? = nil,
      downtimeLimit: String? = nil, maxPasses: String? = nil, autoConverge: Bool = false
    ) {
      self.scriptPath = scriptPath
      self.scenarioPath = scenarioPath
      self.link = link
      self.downtimeLimit = downtimeLimit
      self.maxPasses = maxPasses
      self.autoConverge = autoConverge
    }
  }

  /// Where a run writes: the transcript, one-line errors, and (for `--events`) JSON lines.
  public struct Output {
    public var transcript: (String) -> Void
    public var error: (String) -> Void
    public var events: ((String) -> Void)?

    public init(
      transcript: @escaping (String) -> Void, error: @escaping (String) -> Void,
      events: ((String) -> Void)? = nil
    ) {
      self.transcript = transcript
      self.error = error
      self.events = events
    }
  }

  /// Runs a script; relative paths are taken from `workingDirectory`, password files from the
  /// script's directory.
  public static func run(
    _ arguments: Arguments, files: any FileReading, workingDirectory: String, output: Output
  ) -> Int32 {
    let scenario: Scenario
    let settings: EngineSettings
    let script: RunScript
    let scriptDirectory: String
    let datacenter: Datacenter
    do throws(LdmError) {
      scenario = try loadScenario(arguments.scenarioPath, files: files, in: workingDirectory)
      settings = try engineSettings(arguments, scenario: scenario)
      let text: String
      do {
        text = try files.read(arguments.scriptPath, relativeTo: workingDirectory).text
      } catch {
        let reason = error == .notFound ? "no such file" : "cannot be read"
        throw LdmError("ldm-console run: cannot read script \(arguments.scriptPath): \(reason)")
      }
      let hosts = scenario.hosts.map(\.name)
      do {
        script = try RunScript.parse(text, file: arguments.scriptPath, hosts: hosts)
      } catch {
        throw LdmError(error.description)
      }
      scriptDirectory = directory(
        of: files.resolve(arguments.scriptPath, relativeTo: workingDirectory))
      do {
        datacenter = try Datacenter(scenario: scenario, settings: settings)
      } catch {
        throw LdmError("\(error)")
      }
    } catch {
      output.error(error.message)
      return 2
    }
    let shell = LdmShell(datacenter: datacenter, files: files, baseDirectory: scriptDirectory)
    let runner = ScriptRunner(script: script, shell: shell, write: output.transcript)
    let events = output.events
    datacenter.eventSink = { [unowned runner] event in
      events?(event.jsonLine())
      runner.observe(event)
    }
    return runner.run()
  }

  static func loadScenario(_ path: String?, files: any FileReading, in directory: String)
    throws(LdmError) -> Scenario
  {
    guard let path else { return ScenarioLoader.builtin() }
    do {
      let text = try files.read(path, relativeTo: directory).text
      return try ScenarioLoader.load(text: text, file: path)
    } catch let error as YAMLFileError {
      throw LdmError(error.description)
    } catch {
      let reason = error as? FileReadError == .notFound ? "no such file" : "cannot be read"
      throw LdmError(YAMLFileError(file: path, line: nil, reason: reason).description)
    }
  }

  /// The scenario's migration settings with the options laid over them.
  public static func engineSettings(_ arguments: Arguments, scenario: Scenario) throws(LdmError)
    -> EngineSettings
  {
    var settings = EngineSettings(scenario.migration)
    if let text = arguments.link {
      guard let bits = Units.parseBandwidth(text) else {
        throw LdmError(
          "ldm-console run: bad --link value \(text) (use e.g. 1Gbit/s, 100Mbit/s or unlimited)")
      }
      settings.link.bitsPerSecond = bits
    }
    if let text = arguments.downtimeLimit {
      guard let seconds = Units.parseDuration(text), seconds > 0 else {
        throw LdmError(
          "ldm-console run: bad --downtime-limit value \(text) (use e.g. 300ms or 1s)")
      }
      settings.downtimeLimit = seconds
    }
    if let text = arguments.maxPasses {
      guard let passes = Int(text), passes >= 1 else {
        throw LdmError(
          "ldm-console run: bad --max-passes value \(text) (a whole number, 1 or more)")
      }
      settings.maxPasses = passes
    }
    if arguments.autoConverge { settings.autoConverge = true }
    return settings
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
