import Foundation
import Hypervisor
import TestSupport
import Testing

@Suite struct ScenarioLoadingTests {
  @Test func builtinScenarioMatchesTheShippedFile() throws {
    let shipped = try Fixtures.text("Scenarios/seed-walkthrough.yaml")
    #expect(
      try ScenarioLoader.load(text: shipped, file: "seed-walkthrough.yaml")
        == ScenarioLoader.builtin())
  }

  @Test func builtinScenarioHasTheSeedHosts() throws {
    let hosts = try ScenarioLoader.builtin().buildHosts(populateMemory: false)
    #expect(hosts.map(\.name) == ["sparc-t4-a", "sparc-t4-b"])
    let source = hosts[0]
    #expect(
      source.domains.map(\.name) == [
        "primary", "ldom01", "ldom02", "ldom03", "ldom04", "ldom05", "ldom06",
      ])
    #expect(source.domain(named: "primary")?.flags == "-n-cv-")
    #expect(source.domain(named: "ldom01")?.flags == "-n----")
    #expect(source.domain(named: "ldom06")?.state == .bound)
    #expect(source.domain(named: "ldom06")?.flags == "------")
    #expect(source.domain(named: "ldom01")?.consoleLabel == "5000")
    #expect(source.accountingProblems().isEmpty)
    #expect(hosts[1].accountingProblems().isEmpty)
  }

  @Test(arguments: ["seed-walkthrough", "cross-cpu", "tight-target"])
  func shippedScenariosLoad(name: String) throws {
    let scenario = try ScenarioLoader.load(path: Fixtures.url("Scenarios/\(name).yaml").path)
    #expect(scenario.hosts.count == 2)
  }

  /// Each kind of bad scenario, with the exact one-line error it gets.
  @Test(arguments: [
    ("hosts: [ {name: a", "bad.yaml:2: bad YAML: did not find expected ',' or '}'"),
    (
      "name: x\nhostz: []\n",
      "bad.yaml:2: unknown key 'hostz' (expected one of: name, description, migration, hosts)"
    ),
    ("name: x\n", "bad.yaml:1: missing key 'hosts'"),
    // Yams' descriptions of these quote the file over several lines; the message is one.
    ("name: x\nhosts: []\nname: y\n", "bad.yaml:1: duplicate key 'name' in the mapping here"),
    (
      "name: x\nhosts: []\ndescription: \"a\u{01}\"\n",
      "bad.yaml:3: bad YAML: control characters are not allowed"
    ),
    ("", "bad.yaml:1: the file is empty"),
    // Found by fuzzing: a key holding a line break, quoted in the message, which stays one line.
    (
      "name: x\n\"hos\\nts\": []\n",
      "bad.yaml:2: unknown key 'hos\\nts' (expected one of: name, description, migration, hosts)"
    ),
    (
      """
      hosts:
        - name: h1
          cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
          memory: 16G
          services:
            vsw: [ { name: primary-vsw0 }, { name: svc-vsw0, domain: service1 } ]
          domains:
          - { name: primary, control: true, vcpus: 1, memory: 1G }
      """,
      "bad.yaml:6: service svc-vsw0 belongs to domain service1, which host h1 does not have"
    ),
    ("hosts: 3\n", "bad.yaml:1: 'hosts': expected a list"),
    (
      ScenarioLoadingTests.hostWith(domains: "    - { name: d1, vcpus: two, memory: 1G }"),
      "bad.yaml:9: 'vcpus': expected a whole number from 1 to 4096, not 'two'"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains:
          "    - { name: d1, vcpus: 1, memory: 1G }\n    - { name: d1, vcpus: 1, memory: 1G }"),
      "bad.yaml:10: duplicate domain name 'd1'"
    ),
    (
      ScenarioLoadingTests.hostWith(domains: "    - { name: big, vcpus: 1, memory: 128G }"),
      "bad.yaml:9: domain big needs 128G but host h1 has 16G"
    ),
    (
      ScenarioLoadingTests.hostWith(domains: "    - { name: wide, vcpus: 99, memory: 1G }"),
      "bad.yaml:9: domain wide has 99 vCPUs but host h1 has 8 strands"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains:
          "    - name: d1\n      vcpus: 1\n      memory: 1G\n      disks: [ { name: vdisk1, volume: vol09@primary-vds0 } ]"
      ),
      "bad.yaml:12: volume vol09@primary-vds0 is not defined on host h1"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, workload: frantic }"),
      "bad.yaml:9: unknown workload 'frantic' (expected idle, web, database, stress)"
    ),
    (
      ScenarioLoadingTests.hostWith(domains: "    - { name: d1, vcpus: 1, memory: 1X }"),
      "bad.yaml:9: 'memory': expected a multiple of 4M from 4M to 4T (e.g. 1G), not '1X'"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, state: running }"),
      "bad.yaml:9: bad state 'running' (expected active, bound or inactive)"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, footprint: 0 }"),
      "bad.yaml:9: footprint must be a fraction in (0, 1] or a size such as 256M"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, footprint: lots }"),
      "bad.yaml:9: bad footprint 'lots' (a fraction in (0, 1] or a size such as 256M)"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, footprint: 2G }"),
      "bad.yaml:9: footprint 2G is more than the domain's memory 1G"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, footprint: 4096 }"),
      "bad.yaml:9: footprint 4096 is less than one 8K page"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, workload: web, footprint: 16M }"),
      "bad.yaml:9: footprint 16M does not hold the hot set (hot-set 0.03 of the memory)"
    ),
    (
      ScenarioLoadingTests.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, content: noise }"),
      "bad.yaml:9: unknown content 'noise' (expected random, mostly-zero, text, code, mixed,"
        + " files)"
    ),
  ])
  func refusesBadScenarios(text: String, expected: String) {
    #expect(throws: (any Error).self) { try ScenarioLoader.load(text: text, file: "bad.yaml") }
    do {
      _ = try ScenarioLoader.load(text: text, file: "bad.yaml")
    } catch {
      #expect(error.description == expected)
    }
  }

  /// `footprint:` as a fraction or a size; without it the preset's, grown to hold a larger
  /// custom hot set.
  @Test func footprintIsAFractionOrASize() throws {
    func footprint(_ fields: String) throws -> Footprint? {
      let text = Self.hostWith(domains: "    - { name: d1, vcpus: 1, memory: 1G\(fields) }")
      let scenario = try ScenarioLoader.load(text: text, file: "f.yaml")
      return scenario.hosts[0].domains.first { $0.name == "d1" }?.workload.footprint
    }
    #expect(try footprint(", workload: web") == .fraction(0.25))
    #expect(try footprint("") == .fraction(0.05))
    #expect(try footprint(", workload: web, footprint: 0.5") == .fraction(0.5))
    #expect(try footprint(", workload: web, footprint: 1") == .fraction(1))
    #expect(try footprint(", workload: web, footprint: 96M") == .bytes(96 << 20))
    #expect(try footprint(", footprint: 16777216") == .bytes(16 << 20))
    #expect(try footprint(", workload: { preset: web, hot-set: 0.4 }") == .fraction(0.4))
    let builtin = ScenarioLoader.builtin()
    let ldom02 = try #require(builtin.hosts[0].domains.first { $0.name == "ldom02" })
    #expect(ldom02.workload.footprint == .bytes(416 << 20))
  }

  /// `content:` names a profile; without it a domain holds random content, as before.
  @Test func contentNamesAProfile() throws {
    for profile in ContentProfile.allCases {
      let text = Self.hostWith(
        domains: "    - { name: d1, vcpus: 1, memory: 1G, content: \(profile.rawValue) }")
      let scenario = try ScenarioLoader.load(text: text, file: "c.yaml")
      #expect(scenario.hosts[0].domains[1].workload.content == profile)
    }
    let plain = try ScenarioLoader.load(
      text: Self.hostWith(domains: "    - { name: d1, vcpus: 1, memory: 1G }"), file: "c.yaml")
    #expect(plain.hosts[0].domains[1].workload.content == .random)
    // The built-in guests hold a realistic mix.
    let guests = ScenarioLoader.builtin().hosts[0].domains.filter {
      !$0.isControl && $0.state == .active
    }
    #expect(guests.count == 5)
    #expect(guests.allSatisfy { $0.workload.content == .mixed })
  }

  /// A scenario saved on Windows (CRLF, a byte-order mark) or with CR line ends is the same
  /// scenario, from text and from disk; before, a byte-order mark failed the file at line 2.
  @Test(arguments: ["seed-walkthrough", "cross-cpu", "tight-target"])
  func lineEndsAndByteOrderMarkLoadTheSameScenario(name: String) throws {
    // Without its opening comment: libyaml copes with a byte-order mark before a comment.
    let lines = try Fixtures.text("Scenarios/\(name).yaml")
      .split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") }
    let unix = lines.joined(separator: "\n")
    let expected = try ScenarioLoader.load(text: unix, file: "unix.yaml")
    for (kind, text) in [
      ("CRLF", lines.joined(separator: "\r\n")),
      ("BOM", "\u{FEFF}" + unix),
      ("BOM and CRLF", "\u{FEFF}" + lines.joined(separator: "\r\n")),
      ("CR", lines.joined(separator: "\r")),
    ] {
      #expect(try ScenarioLoader.load(text: text, file: "\(kind).yaml") == expected, "\(kind)")
      let path = NSTemporaryDirectory() + "ldm-scenario-\(UUID().uuidString).yaml"
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      defer { try? FileManager.default.removeItem(atPath: path) }
      #expect(try ScenarioLoader.load(path: path) == expected, "\(kind) on disk")
    }
  }

  /// Errors in such a file name the line an editor shows.
  @Test(arguments: ["\r\n", "\r"])
  func errorsOfACRLFScenarioNameTheirLine(end: String) {
    let text =
      "\u{FEFF}"
      + ["name: x", "hosts:", "  - name: h1", "    frob: 1", ""].joined(
        separator: end)
    do {
      _ = try ScenarioLoader.load(text: text, file: "bad.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.description.hasPrefix("bad.yaml:4: unknown key 'frob' (expected one of: "))
    }
  }

  @Test func missingFileIsOneLine() {
    do {
      _ = try ScenarioLoader.load(path: "/nonexistent/x.yaml")
      Issue.record("loaded a missing file")
    } catch {
      #expect(error.description == "/nonexistent/x.yaml: no such file")
    }
  }

  static func hostWith(domains: String) -> String {
    """
    hosts:
      - name: h1
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
        memory: 16G
        services:
          vds: [ { name: primary-vds0, volumes: [ { name: vol01, device: /dev/x } ] } ]
        domains:
        - { name: primary, control: true, vcpus: 1, memory: 1G }
    \(domains)
    """
  }
}
