import Compression
import Engine
import Hypervisor
import Migration

/// `ldm-console run`: loads the scenario, applies the options, parses the script and runs it,
/// with the exit statuses of DESIGN §6 (0 all succeeded, 1 a command failed, 2 a bad script,
/// scenario or usage). The executable only maps its arguments onto this.
public enum RunMode {
  /// The options of `run`, as typed; values are checked here so the messages are tested.
  public struct Arguments: Sendable, Equatable {
    /// The script's path, or ``standardInput`` (`-`).
    public var scriptPath: String
    public var scenarioPath: String?
    public var link: String?
    public var latency: String?
    public var downtimeLimit: String?
    public var maxPasses: String?
    public var autoConverge: Bool
    /// `--compress none|lz4|zstd`.
    public var compress: String?
    /// `--channels N`, 1…16.
    public var channels: String?
    /// `--xbzrle`: pages sent again go as their differences.
    public var xbzrle: Bool
    /// `--xbzrle-cache SIZE`.
    public var xbzrleCache: String?

    /// The script path that reads the script from standard input.
    public static let standardInput = "-"

    public init(
      scriptPath: String, scenarioPath: String? = nil, link: String? = nil,
      latency: String? = nil, downtimeLimit: String? = nil, maxPasses: String? = nil,
      autoConverge: Bool = false, compress: String? = nil, channels: String? = nil,
      xbzrle: Bool = false, xbzrleCache: String? = nil
    ) {
      self.compress = compress
      self.channels = channels
      self.xbzrle = xbzrle
      self.xbzrleCache = xbzrleCache
      self.scriptPath = scriptPath
      self.scenarioPath = scenarioPath
      self.link = link
      self.latency = latency
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

  /// The name a script read from standard input has in its errors: `<stdin>:3: …`.
  public static let standardInputName = "<stdin>"

  /// Runs a script; relative paths are taken from `workingDirectory`, password files from the
  /// script's directory (from `workingDirectory` for a script on standard input).
  /// `standardInput` reads all of standard input as text (nil when it is not UTF-8); without
  /// it, `-` is refused.
  public static func run(
    _ arguments: Arguments, files: any FileReading, workingDirectory: String,
    standardInput: (() -> String?)? = nil, output: Output
  ) -> Int32 {
    let scenario: Scenario
    let settings: EngineSettings
    let script: RunScript
    let scriptDirectory: String
    let datacenter: Datacenter
    do throws(LdmError) {
      scenario = try loadScenario(arguments.scenarioPath, files: files, in: workingDirectory)
      settings = try engineSettings(arguments, scenario: scenario)
      let source = try readScript(
        arguments.scriptPath, files: files, workingDirectory: workingDirectory,
        standardInput: standardInput)
      scriptDirectory = source.directory
      do {
        script = try RunScript.parse(
          source.text, file: source.name, hosts: scenario.hosts.map(\.name))
      } catch {
        throw LdmError(error.description)
      }
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
    let runner = ScriptRunner(
      script: script, datacenter: datacenter, shell: shell, write: output.transcript)
    let events = output.events
    datacenter.eventSink = { [unowned runner] event in
      events?(event.jsonLine())
      runner.observe(event)
    }
    return runner.run()
  }

  /// A script's text, the name its errors give it, and the directory its password files are
  /// read from (the working directory for `-`, read from `standardInput`).
  public static func readScript(
    _ path: String, files: any FileReading, workingDirectory: String,
    standardInput: (() -> String?)?
  ) throws(LdmError) -> (text: String, name: String, directory: String) {
    if path == Arguments.standardInput {
      guard let standardInput else {
        throw LdmError("ldm-console run: no standard input to read the script from")
      }
      guard let input = standardInput() else {
        throw LdmError("ldm-console run: cannot read script from standard input: not UTF-8 text")
      }
      return (input, standardInputName, workingDirectory)
    }
    let text: String
    do {
      text = try files.read(path, relativeTo: workingDirectory).text
    } catch {
      let reason = error == .notFound ? "no such file" : "cannot be read"
      throw LdmError("ldm-console run: cannot read script \(path): \(reason)")
    }
    return (text, path, directory(of: files.resolve(path, relativeTo: workingDirectory)))
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

  /// The scenario's migration settings with the options laid over them. Each option is read
  /// as its scenario key is (``Quantities``): the same range, the same refusal after the
  /// prefix, `ldm-console run: --OPTION: expected …, not 'TEXT'`.
  public static func engineSettings(_ arguments: Arguments, scenario: Scenario) throws(LdmError)
    -> EngineSettings
  {
    func option<Value>(_ name: String, _ text: String, _ quantity: Quantity<Value>)
      throws(LdmError) -> Value
    {
      do {
        return try quantity.value(of: text)
      } catch {
        // The text as typed may hold a line break; the message stays one line.
        throw LdmError("ldm-console run: \(name): \(error.reason)".escapingControlCharacters)
      }
    }
    var settings = EngineSettings(scenario.migration)
    if let text = arguments.link {
      settings.link.bitsPerSecond = try option("--link", text, Quantities.link)
    }
    if let text = arguments.latency {
      settings.link.latency = try option("--latency", text, Quantities.latency)
    }
    if let text = arguments.downtimeLimit {
      settings.downtimeLimit = try option("--downtime-limit", text, Quantities.downtimeLimit)
    }
    if let text = arguments.maxPasses {
      settings.maxPasses = try option("--max-passes", text, Quantities.maxPasses)
    }
    if arguments.autoConverge { settings.autoConverge = true }
    if let text = arguments.compress {
      let word = try option("--compress", text, Quantities.compression)
      // The quantity admits only the codecs' words.
      settings.compression = CompressionCodec(rawValue: word) ?? .none
    }
    if let text = arguments.channels {
      settings.channels = try option("--channels", text, Quantities.channels)
    }
    if arguments.xbzrle { settings.xbzrle = true }
    if let text = arguments.xbzrleCache {
      settings.xbzrleCacheBytes = try option("--xbzrle-cache", text, Quantities.xbzrleCache)
    }
    return settings
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
