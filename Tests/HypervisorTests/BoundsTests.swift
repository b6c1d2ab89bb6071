import Hypervisor
import Testing

/// Every number a scenario sets is bounded when it is read, before any arithmetic: each extreme
/// (huge, negative, NaN and infinity, 2^64 - 1, an address whose range passes 2^64) is one
/// `FILE:LINE: 'KEY': expected …, not 'VALUE'`, where before some ended in a trap (`arithmetic
/// overflow`, `Double value cannot be converted`).
@Suite struct BoundsTests {
  /// A scenario with every numeric key, one per line; `values` replaces the defaults.
  static func scenario(_ values: [String: String] = [:]) -> String {
    func value(_ key: String, _ fallback: String) -> String { values[key] ?? fallback }
    return """
      migration:
        link: \(value("link", "1Gbit/s"))
        latency: \(value("latency", "0.5ms"))
        downtime-limit: \(value("downtime-limit", "300ms"))
        max-passes: \(value("max-passes", "30"))
      hosts:
        - name: h1
          cpu:
            type: SPARC-T4
            mhz: \(value("mhz", "2548"))
            stick-frequency: \(value("stick-frequency", "0x5f4bc08"))
            strands: \(value("strands", "8"))
            strands-per-chip: \(value("strands-per-chip", "8"))
          memory: \(value("host-memory", "16G"))
          reserved:
            - { pa: \(value("pa", "0x200000000")), size: \(value("size", "1G")) }
          services:
            vcc: [ { name: primary-vcc0, ports: \(value("ports", "5000-5100")) } ]
          domains:
            - { name: primary, control: true, vcpus: 1, memory: 1G }
            - name: d1
              vcpus: \(value("vcpus", "1"))
              memory: \(value("memory", "1G"))
              blocks: \(value("blocks", "[ 512M, 512M ]"))
              console-port: \(value("console-port", "5000"))
              util: \(value("util", "12"))
              fill: \(value("fill", "0.1"))
              uptime: \(value("uptime", "2h 7m"))
              workload: { rate: \(value("rate", "3000")), hot-set: \(value("hot-set", "0.05")), hot-writes: \(value("hot-writes", "0.9")) }

      """
  }

  /// Where each key sits in ``scenario(_:)``, its name in messages and what it expects.
  static let keys: [String: (line: Int, name: String, expected: String)] = [
    "link": (2, "link", "a bandwidth from 1kbit/s to 1Tbit/s (e.g. 1Gbit/s), or unlimited"),
    "latency": (3, "latency", "a duration from 0 to 10s (e.g. 0.5ms)"),
    "downtime-limit": (4, "downtime-limit", "a duration above 0 and at most 1h (e.g. 300ms)"),
    "max-passes": (5, "max-passes", "a whole number from 1 to 1000"),
    "mhz": (10, "mhz", "a whole number from 1 to 10000"),
    "stick-frequency": (
      11, "stick-frequency", "a frequency in Hz from 1 to 0xffffffff (decimal or 0x hex)"
    ),
    "strands": (12, "strands", "a whole number from 1 to 4096"),
    "strands-per-chip": (13, "strands-per-chip", "a whole number from 1 to 4096"),
    "host-memory": (14, "memory", "a size from 4M to 4T (e.g. 64G)"),
    "pa": (16, "pa", "an address from 0 to 0x40000000000 (decimal or 0x hex)"),
    "size": (16, "size", "a size above 0 and at most 4T (e.g. 1G)"),
    "ports": (18, "ports", "a port range LOW-HIGH within 1-65535 (e.g. 5000-5100)"),
    "vcpus": (22, "vcpus", "a whole number from 1 to 4096"),
    "memory": (23, "memory", "a multiple of 4M from 4M to 4T (e.g. 1G)"),
    "console-port": (25, "console-port", "a port from 1 to 65535"),
    "util": (26, "util", "a percentage from 0 to 100 (e.g. 12.5)"),
    "fill": (27, "fill", "a fraction from 0 to 1 (e.g. 0.1)"),
    "uptime": (28, "uptime", "an uptime from 0 to 36500d (e.g. 2h 7m, 45d 8h 6m, or seconds)"),
    "rate": (29, "rate", "a rate from 0 to 1000000 page writes per second"),
    "hot-set": (29, "hot-set", "a fraction above 0 and at most 1 (e.g. 0.05)"),
    "hot-writes": (29, "hot-writes", "a fraction from 0 to 1 (e.g. 0.9)"),
  ]

  static let refused: [(key: String, value: String)] = [
    ("link", "0bit/s"), ("link", "999bit/s"), ("link", "1001Gbit/s"), ("link", "1e300Gbit/s"),
    ("link", ".inf"), ("latency", "10.5s"), ("latency", "-1ms"), ("latency", ".nan"),
    ("downtime-limit", "0"), ("downtime-limit", "61m"), ("downtime-limit", "1e400s"),
    ("max-passes", "0"), ("max-passes", "1001"), ("max-passes", "-1"), ("max-passes", "2.5"),
    ("max-passes", "9223372036854775808"), ("max-passes", ".inf"),
    // YAML 1.1 reads this as base 60; Yams' own decoding of it overflows and traps.
    ("max-passes", "1:2:3:4:5:6:7:8:9:10:11:12"),
    ("mhz", "0"), ("mhz", "10001"), ("mhz", "9223372036854775807"),
    ("stick-frequency", "0"), ("stick-frequency", "0x100000000"),
    ("stick-frequency", "0xffffffffffffffff"), ("stick-frequency", "18446744073709551616"),
    ("stick-frequency", "-1"), ("stick-frequency", "0x"),
    ("strands", "0"), ("strands", "4097"), ("strands", "-8"),
    ("strands-per-chip", "0"), ("strands-per-chip", "4097"),
    ("host-memory", "0"), ("host-memory", "1M"), ("host-memory", "1024T"),
    ("host-memory", "18446744073709551615"), ("host-memory", "17179869184G"),
    ("host-memory", "-16G"),
    ("pa", "0xffffffffffffffff"), ("pa", "0x40000000001"), ("pa", "18446744073709551615"),
    ("size", "0"), ("size", "18446744073709551615"), ("size", "5T"),
    ("ports", "0-10"), ("ports", "5000-70000"), ("ports", "5100-5000"),
    ("ports", "9223372036854775807-9223372036854775808"),
    ("vcpus", "0"), ("vcpus", "4097"), ("vcpus", "18446744073709551615"),
    ("memory", "0"), ("memory", "5M"), ("memory", "8T"), ("memory", "18446744073709551615"),
    ("console-port", "0"), ("console-port", "65536"), ("console-port", "-5000"),
    ("util", "-1"), ("util", "100.5"), ("util", ".nan"), ("util", ".inf"),
    ("fill", "-0.1"), ("fill", "1.5"), ("fill", ".nan"), ("fill", "-.inf"),
    ("uptime", "36501d"), ("uptime", "9223372036854775807"), ("uptime", "-5"),
    ("uptime", "99999999999999999d"), ("uptime", "106751991167300d 1d"),
    ("rate", "-1"), ("rate", "1000001"), ("rate", "1e300"), ("rate", ".inf"), ("rate", ".nan"),
    ("hot-set", "0"), ("hot-set", "1.5"), ("hot-set", ".nan"),
    ("hot-writes", "-0.1"), ("hot-writes", "1.01"), ("hot-writes", ".nan"),
  ]

  @Test(arguments: refused)
  func extremeValueIsOneLocatedLine(key: String, value: String) throws {
    let (line, name, expected) = try #require(Self.keys[key])
    #expect(
      throws: YAMLFileError(
        file: "bad.yaml", line: line, reason: "'\(name)': expected \(expected), not '\(value)'")
    ) {
      try ScenarioLoader.load(text: Self.scenario([key: value]), file: "bad.yaml")
    }
  }

  /// The ends of each range are values like any other: the scenario loads and holds them.
  @Test func theEdgesOfEachRangeAreAccepted() throws {
    let low = try ScenarioLoader.load(
      text: Self.scenario([
        "link": "1kbit/s", "latency": "0", "downtime-limit": "1us", "max-passes": "1",
        "mhz": "1", "stick-frequency": "1", "strands": "2", "strands-per-chip": "1",
        "pa": "0", "size": "1", "ports": "1-1", "console-port": "1", "util": "0", "fill": "0",
        "uptime": "0", "rate": "0", "hot-set": "0.000001", "hot-writes": "0",
      ]), file: "low.yaml")
    #expect(low.migration.bandwidth == 1e3)
    #expect(low.migration.maxPasses == 1)
    #expect(low.hosts[0].cpu.stickFrequency == 1)
    #expect(low.hosts[0].reserved == [.init(start: 0, size: 1)])
    // Two domains need two strands; the edge itself is checked on its own.
    #expect(try Quantities.strands.value(of: "1") == 1)
    let high = try ScenarioLoader.load(
      text: Self.scenario([
        "link": "1000Gbit/s", "latency": "10s", "downtime-limit": "1h", "max-passes": "1000",
        "mhz": "10000", "stick-frequency": "0xffffffff", "strands": "4096",
        "strands-per-chip": "4096", "host-memory": "4T", "pa": "0x3ff00000000", "size": "4G",
        "ports": "1-65535", "vcpus": "4095", "memory": "1G", "blocks": "[ 1G ]",
        "console-port": "65535", "util": "100", "fill": "1", "uptime": "36500d",
        "rate": "1000000", "hot-set": "1", "hot-writes": "1",
      ]), file: "high.yaml")
    #expect(high.migration.bandwidth == 1e12)
    #expect(high.migration.downtimeLimit == 3_600)
    #expect(high.hosts[0].memory == 4 << 40)
    #expect(high.hosts[0].domains[1].uptime == 36_500 * 86_400)
    #expect(high.hosts[0].domains[1].workload.pagesPerSecond == 1_000_000)
    #expect(high.hosts[0].consoleConcentrators[0].ports == 1...65_535)
    // A 4T domain would bind a 4T page table here; its edge is checked on its own.
    #expect(try Quantities.domainMemory.value(of: "4T") == 4 << 40)
    #expect(try Quantities.blockSize.value(of: "4M") == 4 << 20)
  }

  /// A value that is not a single value at all names what stood there.
  @Test(arguments: [
    ("vcpus", "[ 1 ]", "bad.yaml:22: 'vcpus': expected a whole number from 1 to 4096, not a list"),
    (
      "memory", "{ size: 1G }",
      "bad.yaml:23: 'memory': expected a multiple of 4M from 4M to 4T (e.g. 1G), not a mapping"
    ),
    (
      "blocks", "[ 512M, [ 512M ] ]",
      "bad.yaml:24: 'blocks' item 2: expected a multiple of 4M from 4M to 4T (e.g. 2G),"
        + " not a list or mapping"
    ),
  ])
  func aListOrMappingForANumberIsOneLine(key: String, value: String, expected: String) {
    do {
      _ = try ScenarioLoader.load(text: Self.scenario([key: value]), file: "bad.yaml")
      Issue.record("accepted \(key): \(value)")
    } catch {
      #expect(error.description == expected)
    }
  }

  /// Blocks each within bounds can still add up past the memory, or past 2^64 if summed
  /// blindly (three blocks near 4T each were the old way to overflow).
  @Test(arguments: [
    ("[ 512M, 4T, 4T, 4T, 4T ]", "bad.yaml:24: blocks add up to more than the memory (1G)"),
    ("[ 512M, 256M ]", "bad.yaml:24: blocks add up to 768M but memory is 1G"),
    (
      "[ 512M, 0 ]",
      "bad.yaml:24: 'blocks' item 2: expected a multiple of 4M from 4M to 4T (e.g. 2G), not '0'"
    ),
  ])
  func blocksAreBoundedAndAddUpToTheMemory(blocks: String, expected: String) {
    do {
      _ = try ScenarioLoader.load(text: Self.scenario(["blocks": blocks]), file: "bad.yaml")
      Issue.record("accepted blocks \(blocks)")
    } catch {
      #expect(error.description == expected)
    }
  }

  /// A reserved range whose ends are each in bounds but which leaves the host's memory is the
  /// host's own refusal, located at the list; before, `pa + size` past 2^64 trapped first.
  @Test func reservedRangeOutsideTheHostIsRefusedByTheHost() {
    do {
      _ = try ScenarioLoader.load(
        text: Self.scenario(["pa": "0x3ffffffffff", "size": "4T"]), file: "bad.yaml")
      Issue.record("accepted")
    } catch {
      #expect(
        error.description
          == "bad.yaml:15: reserved range 0x3ffffffffff of 4T is outside the host's memory or"
          + " overlaps another")
    }
  }

  /// Numbers are read as written, in decimal: digit groups are allowed; a leading zero is not
  /// octal as in YAML 1.1, and `0x` hex only where addresses and registers are.
  @Test func numbersAreReadAsWritten() throws {
    let scenario = try ScenarioLoader.load(
      text: Self.scenario([
        "max-passes": "010", "rate": "23_000", "strands": "\"8\"", "stick-frequency": "99999",
      ]), file: "ok.yaml")
    #expect(scenario.migration.maxPasses == 10)
    #expect(scenario.hosts[0].domains[1].workload.pagesPerSecond == 23_000)
    #expect(scenario.hosts[0].cpu.strands == 8)
    #expect(scenario.hosts[0].cpu.stickFrequency == 99_999)
    #expect(throws: YAMLFileError.self) {
      try ScenarioLoader.load(text: Self.scenario(["vcpus": "0x1"]), file: "bad.yaml")
    }
  }

  /// The quantities themselves: a refusal names the text and what was expected, whatever the
  /// text (a huge count of digits included).
  @Test func quantityRefusalsNameTheTextAndTheRange() throws {
    #expect(throws: QuantityError(expected: "a whole number from 1 to 1000", found: "'1001'")) {
      try Quantities.maxPasses.value(of: "1001")
    }
    let digits = String(repeating: "9", count: 400)
    #expect(throws: QuantityError.self) { try Quantities.uptime.value(of: digits + "d") }
    #expect(throws: QuantityError.self) { try Quantities.link.value(of: digits + "Gbit/s") }
    #expect(throws: QuantityError.self) { try Quantities.domainMemory.value(of: digits + "G") }
    #expect(try Quantities.link.value(of: "unlimited") == .some(nil))
  }
}
