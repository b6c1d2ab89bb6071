import Hypervisor
import LdmCommands
import Migration
import Testing

/// The options of `run` and the scenario's `migration:` keys read each quantity the same way:
/// at and around the edges of each range, both accept a value (and set the same thing) or both
/// refuse it with the same words after their location prefix.
@Suite struct RunOptionBoundsTests {
  static let hosts = """
    hosts:
      - name: h1
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
        memory: 16G
        domains:
        - { name: primary, control: true, vcpus: 1, memory: 1G }
    """

  static let edges: [(option: String, key: String, values: [String])] = [
    (
      "--link", "link",
      ["999bit/s", "1kbit/s", "1000Gbit/s", "1001Gbit/s", "1Tbit/s", "unlimited", "0bit/s", "fast"]
    ),
    ("--latency", "latency", ["0", "1us", "10s", "10.001s", "-1ms", "soon"]),
    ("--downtime-limit", "downtime-limit", ["0", "0ms", "1us", "1h", "3601s", "61m", "soon"]),
    ("--max-passes", "max-passes", ["0", "1", "1000", "1001", "-1", "2.5", "1:0", "010"]),
    ("--compress", "compress", ["none", "lz4", "zstd", "gzip", "LZ4", "zstd-1", "0"]),
    ("--channels", "channels", ["0", "1", "2", "16", "17", "-1", "1.5", "two"]),
    (
      "--xbzrle-cache", "xbzrle-cache",
      ["1M", "1023K", "4G", "4097M", "64M", "1M1", "9000", "8K", "lots"]
    ),
  ]

  static func arguments(_ option: String, _ value: String) -> RunMode.Arguments {
    var arguments = RunMode.Arguments(scriptPath: "s.script")
    switch option {
    case "--link": arguments.link = value
    case "--latency": arguments.latency = value
    case "--downtime-limit": arguments.downtimeLimit = value
    case "--compress": arguments.compress = value
    case "--channels": arguments.channels = value
    case "--xbzrle-cache": arguments.xbzrleCache = value
    default: arguments.maxPasses = value
    }
    return arguments
  }

  @Test(arguments: edges)
  func optionAndScenarioKeyAgreeAtTheEdges(option: String, key: String, values: [String])
    throws
  {
    let base = try ScenarioLoader.load(text: Self.hosts, file: "base.yaml")
    var accepted = 0
    for value in values {
      let text = "migration:\n  \(key): \(value)\n" + Self.hosts
      let fromFile = Result { () throws(YAMLFileError) in
        EngineSettings(try ScenarioLoader.load(text: text, file: "s.yaml").migration)
      }
      let fromOption = Result { () throws(LdmError) in
        try RunMode.engineSettings(Self.arguments(option, value), scenario: base)
      }
      switch (fromFile, fromOption) {
      case (.success(let file), .success(let typed)):
        #expect(file == typed, "\(key): \(value)")
        accepted += 1
      case (.failure(let file), .failure(let typed)):
        let filePrefix = "s.yaml:2: '\(key)': "
        let optionPrefix = "ldm-console run: \(option): "
        #expect(file.description.hasPrefix(filePrefix), "\(file)")
        #expect(typed.message.hasPrefix(optionPrefix), "\(typed.message)")
        #expect(
          file.description.dropFirst(filePrefix.count)
            == typed.message.dropFirst(optionPrefix.count))
        #expect(typed.message.hasSuffix(", not '\(value)'"))
      default:
        Issue.record("\(key) \(value): the scenario says \(fromFile), the option \(fromOption)")
      }
    }
    // Each list holds values on both sides of its range.
    #expect(accepted > 0 && accepted < values.count)
  }

  /// An option's text is quoted in its refusal with its control characters escaped: the
  /// message stays one line whatever was typed.
  @Test func aRefusedOptionIsOneLineWhateverItHolds() throws {
    let base = try ScenarioLoader.load(text: Self.hosts, file: "base.yaml")
    #expect(
      throws: LdmError(
        "ldm-console run: --max-passes: expected a whole number from 1 to 1000, not '3\\n4'")
    ) {
      try RunMode.engineSettings(Self.arguments("--max-passes", "3\n4"), scenario: base)
    }
  }
}
