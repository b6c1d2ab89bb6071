import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// The outputs of LDM-REFERENCE §2 and §6 on the built-in scenario, against golden files.
@Suite struct FormatterGoldenTests {
  /// Runs `line` on `host` of a fresh built-in datacenter (memory left empty: listings do not
  /// look at it) and returns its output text.
  static func output(_ line: String, on host: String = "sparc-t4-a") throws -> CommandOutput {
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false)
    return LdmShell(datacenter: datacenter).run(line, on: host).output
  }

  static let cases: [(line: String, golden: String)] = [
    ("ldm list", "ldm-list.txt"),
    ("ldm list -p", "ldm-list-p.txt"),
    ("ldm list -l ldom01", "ldm-list-l-ldom01.txt"),
    ("ldm list -l primary", "ldm-list-l-primary.txt"),
    ("ldm list -l ldom05", "ldm-list-l-ldom05.txt"),
    ("ldm list-services", "ldm-list-services.txt"),
    ("psrinfo -pv", "psrinfo-pv.txt"),
    ("prtconf -pv | grep stick-frequency", "prtconf-pv-grep-stick-frequency.txt"),
    ("prtconf -pv", "prtconf-pv.txt"),
  ]

  @Test(arguments: cases)
  func matchesGolden(line: String, golden: String) throws {
    let output = try Self.output(line)
    #expect(output.status == 0)
    let mismatch = Golden.mismatch(output.text, file: golden)
    #expect(mismatch == nil, "\(mismatch ?? "")")
  }

  @Test func psrinfoAndStickFrequencyReadAsInTheSeed() throws {
    #expect(
      try Self.output("psrinfo -pv").lines == [
        "The physical processor has 8 virtual processors (0-7)",
        "  SPARC-T4 (chipid 0, clock 2548 MHz)",
      ])
    #expect(
      try Self.output("prtconf -pv | grep stick-frequency").lines == [
        "    stick-frequency:  05f4bc08"
      ])
  }

  @Test func listOfNamesReportsUnknownOnesAndListsTheRest() throws {
    let output = try Self.output("ldm list ldom01 ldom99 ldom06")
    #expect(output.status == 1)
    #expect(
      output.lines == [
        "Domain ldom99 not found",
        "NAME             STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME",
        "ldom01           active     -n----  5000    1     1G       12.0% 2h 7m",
        "ldom06           bound      ------  5005    2     1G",
      ])
    #expect(try Self.output("ldm list ldom99").lines == ["Domain ldom99 not found"])
  }

  @Test func longNamesWidenTheNameColumn() throws {
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false)
    let shell = LdmShell(datacenter: datacenter)
    #expect(shell.run("ldm add-domain a-very-long-domain-name", on: "sparc-t4-a").output.succeeded)
    let lines = shell.run("ldm list a-very-long-domain-name primary", on: "sparc-t4-a").output.lines
    #expect(
      lines == [
        "NAME                    STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME",
        "a-very-long-domain-name inactive   ------          0     0",
        "primary                 active     -n-cv-  UART    8     8G       3.1%  45d 8h 6m",
      ])
  }

  @Test func statusWithoutAnOperationHasNoStatusBlock() throws {
    #expect(try Self.output("ldm list -o status ldom01").lines == ["NAME", "ldom01"])
  }

  /// A migration of ldom01 1.5 simulated seconds in (its memory filled, so pass 1 takes
  /// time): the source shows TARGET and the target SOURCE, each naming the other machine,
  /// with the same progress.
  @Test func statusOnBothSidesMidMigration() throws {
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: true)
    let shell = LdmShell(datacenter: datacenter)
    let started = shell.run(
      "ldm migrate ldom01 root@sparc-t4-b", on: "sparc-t4-a", password: "secret")
    #expect(started.migration != nil)
    datacenter.advance(by: 1.5)
    let source = shell.run("ldm list -o status ldom01", on: "sparc-t4-a").output
    let target = shell.run("ldm list -o status ldom01", on: "sparc-t4-b").output
    let progress = datacenter.snapshot().migrations.last?.statistics.progress ?? 0
    #expect(progress > 0 && progress < 1)
    for (output, golden) in [
      (source, "ldm-list-o-status-source.txt"), (target, "ldm-list-o-status-target.txt"),
    ] {
      let mismatch = Golden.mismatch(output.text, file: golden)
      #expect(mismatch == nil, "\(mismatch ?? "")")
    }
    #expect(source.lines.last == "    migration    \(Int(progress * 100))%         sparc-t4-b")
  }

  /// ldom01 migrating from sparc-t4-a with the built-in settings as `change` leaves them,
  /// stopped at 30 % progress, and a shell on that datacenter.
  static func migratingLdom01(_ change: (inout EngineSettings) -> Void) throws -> (
    Datacenter, LdmShell
  ) {
    var settings = EngineSettings(ScenarioLoader.builtin().migration)
    change(&settings)
    let datacenter = try Datacenter(
      scenario: ScenarioLoader.builtin(), settings: settings, populateMemory: true)
    let shell = LdmShell(datacenter: datacenter)
    let started = shell.run(
      "ldm migrate ldom01 root@sparc-t4-b", on: "sparc-t4-a", password: "secret")
    let id = try #require(started.migration)
    datacenter.advance(
      until: { (datacenter.migration(id)?.statistics.progress ?? 1) >= 0.3 }, limit: 60)
    return (datacenter, shell)
  }

  /// With compression, both sides add the codec and its ratio so far and the CPU time that
  /// host spent on it: compressing on the source, decompressing on the target.
  @Test func statusWithCompressionShowsTheCodecOnBothSides() throws {
    let (datacenter, shell) = try Self.migratingLdom01 { $0.compression = .lz4 }
    let snapshot = datacenter.snapshot()
    let compression = try #require(snapshot.migrations.last?.statistics.compression)
    let decompression = try #require(snapshot.incoming.last?.decompression)
    let ratio = try #require(compression.statistics.ratio)
    #expect(ratio > 1)
    let source = shell.run("ldm list -o status ldom01", on: "sparc-t4-a").output.lines
    let target = shell.run("ldm list -o status ldom01", on: "sparc-t4-b").output.lines
    #expect(source[4] == "    OPERATION    PROGRESS    TARGET        COMPRESSION   CPU")
    #expect(target[4] == "    OPERATION    PROGRESS    SOURCE        COMPRESSION   CPU")
    let cpu = Units.formatDuration(compression.statistics.cpuTime.inSeconds)
    #expect(source[5].contains("sparc-t4-b    \(compression.ratioText) "))
    #expect(source[5].hasSuffix(" \(cpu)"))
    #expect(target[5].contains("sparc-t4-a    \(decompression.ratioText) "))
    #expect(
      target[5].hasSuffix(" " + Units.formatDuration(decompression.statistics.cpuTime.inSeconds)))
  }

  /// With two channels, both sides add a CHANNELS block: a row per channel with what it
  /// carried so far on that host (sent on the source, applied on the target).
  @Test func statusWithChannelsShowsEachChannelOnBothSides() throws {
    let (datacenter, shell) = try Self.migratingLdom01 { $0.channels = 2 }
    let snapshot = datacenter.snapshot()
    let sent = try #require(snapshot.migrations.last?.statistics.channels)
    let received = try #require(snapshot.incoming.last?.channels)
    for (host, channels) in [("sparc-t4-a", sent), ("sparc-t4-b", received)] {
      let lines = shell.run("ldm list -o status ldom01", on: host).output.lines
      // NAME, ldom01, "", STATUS, header, row, "", CHANNELS, header, a row per channel.
      #expect(lines.count == 11, "\(lines)")
      guard lines.count == 11 else { continue }
      #expect(lines[7] == "CHANNELS")
      #expect(lines[8] == "    CHANNEL  BYTES       PAGES     BATCHES  CPU")
      for channel in channels {
        let row = lines[9 + channel.index]
        #expect(
          row.hasPrefix("    \(channel.index)        \(ByteSize.human(Double(channel.bytes)))"))
        #expect(row.contains(" \(channel.pages) "), "\(row)")
      }
    }
  }
}
