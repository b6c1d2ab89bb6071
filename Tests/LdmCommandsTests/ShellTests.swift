import Engine
import Hypervisor
import LdmCommands
import Migration
import Testing

@Suite struct ShellTests {
  static func datacenter(_ scenario: Scenario = ScenarioLoader.builtin()) throws -> Datacenter {
    try Datacenter(scenario: scenario, populateMemory: false)
  }

  /// Commands the model refuses: each prints its one line, fails, and changes neither host.
  static let refused: [(line: String, message: String)] = [
    ("ldm start ldom01", "Domain ldom01 is already active"),
    ("ldm stop primary", "The control domain primary cannot be stopped from ldm"),
    ("ldm unbind ldom01", "Domain ldom01 is active; stop it first"),
    ("ldm bind ldom06", "Domain ldom06 is already bound"),
    ("ldm rm-dom ldom06", "Domain ldom06 is bound; it must be inactive to be removed"),
    ("ldm add-domain ldom01", "Domain ldom01 already exists"),
    (
      "ldm set-domain cpu-arch=generic ldom01",
      "Domain ldom01 is active; cpu-arch can only be set while the domain is bound or inactive"
    ),
    (
      "ldm set-vcpu 100 ldom01",
      "Not enough free VCPUs on sparc-t4-a: 99 more required, 38 available"
    ),
    (
      "ldm set-memory 2G ldom01",
      "Domain ldom01 is active; its memory can only be changed while inactive"
    ),
    ("ldm stop ldom99", "Domain ldom99 not found"),
    ("ldm add-vds primary-vds0 primary", "Virtual disk server primary-vds0 already exists"),
    ("ldm rm-vds primary-vds0", "Virtual disk server primary-vds0 still exports volumes"),
    ("ldm add-vdsdev /dev/x vol01@primary-vds0", "Volume vol01@primary-vds0 already exists"),
    ("ldm rm-vdsdev vol01@primary-vds0", "Volume vol01@primary-vds0 is attached to domain ldom01"),
    ("ldm rm-vsw primary-vsw0", "Virtual switch primary-vsw0 is attached to domain ldom01"),
    (
      "ldm add-vcc port-range=5050-5200 vcc1 primary",
      "Port range 5050-5200 overlaps that of primary-vcc0"
    ),
    (
      "ldm rm-vcc primary-vcc0",
      "Virtual console concentrator primary-vcc0 is in use by domain ldom01"
    ),
    (
      "ldm add-vdisk vdisk1 vol02@primary-vds0 ldom01",
      "Virtual disk vdisk1 already exists in domain ldom01"
    ),
    ("ldm add-vnet vnet2 nowhere-vsw ldom01", "Virtual switch nowhere-vsw does not exist"),
    ("ldm rm-vnet vnet9 ldom01", "Virtual network device vnet9 does not exist in domain ldom01"),
    ("ldm cancel-operation migration ldom01", "No migration of domain ldom01 is in progress"),
    ("ldm list -x", "Invalid option: -x"),
  ]

  @Test func refusedCommandsChangeNothing() throws {
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter)
    for (line, message) in Self.refused {
      let before = datacenter.snapshot()
      let output = shell.run(line, on: "sparc-t4-a").output
      #expect(output == CommandOutput(lines: [message], status: 1), "\(line)")
      #expect(datacenter.snapshot() == before, "\(line) changed the datacenter")
    }
    #expect(datacenter.accountingProblems().isEmpty)
  }

  @Test func unknownHostIsAnError() throws {
    let shell = LdmShell(datacenter: try Self.datacenter())
    #expect(
      shell.run("ldm list", on: "sparc-t4-z").output
        == .failure("ldm-console: no host named sparc-t4-z"))
  }

  @Test func lifecycleAndDevicesSucceedSilently() throws {
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter)
    for line in [
      "ldm add-dom ldom09", "ldm set-vcpu 2 ldom09", "ldm set-mem 512M ldom09",
      "ldm add-vdisk vdisk1 vol02@primary-vds0 ldom09", "ldm add-vnet vnet1 primary-vsw0 ldom09",
      "ldm bind ldom09", "ldm start ldom09", "ldm stop ldom09", "ldm unbind ldom09",
      "ldm set-domain cpu-arch=generic ldom09", "ldm rm-vdisk vdisk1 ldom09",
      "ldm rm-vnet vnet1 ldom09", "ldm rm-dom ldom09",
      "ldm add-vsw net-dev=net1 primary-vsw1 primary", "ldm rm-vsw primary-vsw1",
      "ldm add-vds primary-vds1 primary", "ldm add-vdsdev options=ro /iso/s.iso iso@primary-vds1",
      "ldm rm-vdsdev iso@primary-vds1", "ldm rm-vds primary-vds1",
      "ldm add-vcc port-range=6000-6001 vcc1 primary", "ldm rm-vcc vcc1",
    ] {
      #expect(shell.run(line, on: "sparc-t4-a").output == CommandOutput(), "\(line)")
    }
    #expect(datacenter.host(named: "sparc-t4-a")?.domain(named: "ldom09") == nil)
    #expect(datacenter.accountingProblems().isEmpty)
  }

  // MARK: Migration and passwords

  static let password = "s3cr3t-Pa55"

  static func scenarioWithPassword() -> Scenario {
    var scenario = ScenarioLoader.builtin()
    for index in scenario.hosts.indices { scenario.hosts[index].users = ["root": password] }
    return scenario
  }

  @Test func passwordFileProblemsAreOneLineNamingTheFile() throws {
    let files = InMemoryFiles(
      [
        "/demo/empty.pw": FileContents(text: ""),
        "/demo/blank-first.pw": FileContents(text: "\nsecret\n"),
      ], unreadable: ["/demo/locked.pw"])
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter, files: files, baseDirectory: "/demo")
    let before = datacenter.snapshot()
    let cases = [
      ("missing.pw", "Password file missing.pw does not exist"),
      ("locked.pw", "Password file locked.pw cannot be read"),
      ("empty.pw", "Password file empty.pw is empty"),
      ("blank-first.pw", "Password file blank-first.pw is empty"),
    ]
    for (file, message) in cases {
      let result = shell.run("ldm migrate -p \(file) ldom01 sparc-t4-b", on: "sparc-t4-a")
      #expect(result == ShellResult(output: .failure(message)))
    }
    #expect(datacenter.snapshot() == before)
  }

  @Test func withoutPasswordFileTheCallerMustSupplyOne() throws {
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter)
    let noTerminal = shell.run("ldm migrate ldom01 sparc-t4-b", on: "sparc-t4-a")
    #expect(noTerminal == ShellResult(output: .failure(LdmShell.noTerminalMessage)))
    #expect(LdmShell.noTerminalMessage.contains("password file (-p)"))
    let prompted = shell.run("ldm migrate ldom01 sparc-t4-b", on: "sparc-t4-a", password: "secret")
    let id = try #require(prompted.pending)
    datacenter.advance(until: { shell.completion(of: id) != nil })
    #expect(shell.completion(of: id) == CommandOutput())
    #expect(datacenter.host(named: "sparc-t4-b")?.domain(named: "ldom01")?.state == .active)
  }

  @Test func passwordNeverAppearsAndOpenFilesAreWarnedAbout() throws {
    let datacenter = try Self.datacenter(Self.scenarioWithPassword())
    var events: [String] = []
    datacenter.eventSink = { events.append($0.jsonLine() + $0.message) }
    let files = InMemoryFiles([
      "/demo/root.pw": FileContents(text: Self.password + "\r\nignored\n", readableByOthers: true),
      "/demo/wrong.pw": FileContents(text: "not-it\n"),
    ])
    let shell = LdmShell(datacenter: datacenter, files: files, baseDirectory: "/demo")
    var printed: [String] = []
    let wrong = shell.run("ldm migrate -p wrong.pw ldom02 sparc-t4-b", on: "sparc-t4-a")
    let wrongID = try #require(wrong.pending)
    let started = shell.run("ldm migrate -p root.pw ldom01 sparc-t4-b", on: "sparc-t4-a")
    #expect(started.output.lines == ["Warning: password file root.pw is readable by others"])
    let id = try #require(started.pending)
    datacenter.advance(until: { shell.completion(of: id) != nil })
    printed += started.output.lines + (shell.completion(of: id)?.lines ?? [])
    let refused = try #require(shell.completion(of: wrongID))
    #expect(
      refused
        == CommandOutput(
          lines: [
            "Authentication to sparc-t4-b as root failed", "Domain Migration of LDom ldom02 failed",
          ], status: 1))
    printed += refused.lines
    let dry = shell.run("ldm migrate -n -p root.pw ldom03 sparc-t4-b", on: "sparc-t4-a")
    let dryRun = try #require(dry.pending)
    datacenter.advance(until: { shell.completion(of: dryRun) != nil })
    printed += dry.output.lines + (shell.completion(of: dryRun)?.lines ?? [])
    #expect(!events.isEmpty)
    for text in printed + events { #expect(!text.contains(Self.password), "\(text)") }
  }

  @Test func dryRunListsEveryFailureAndChangesNothing() throws {
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter)
    let before = datacenter.snapshot()
    func run(_ line: String) throws -> CommandOutput? {
      let started = shell.run(line, on: "sparc-t4-a", password: "secret")
      #expect(started.migration == nil)
      #expect(started.output == CommandOutput())
      let pending = try #require(started.pending)
      datacenter.advance(until: { shell.completion(of: pending) != nil }, limit: 10)
      return shell.completion(of: pending)
    }
    #expect(
      try run("ldm migrate -n ldom05 sparc-t4-b")
        == CommandOutput(
          lines: [
            "Domain ldom05 has direct I/O devices (pci_1) and cannot be migrated",
            "Volume vol05@primary-vds0 is not defined on the target machine",
            "Domain Migration of LDom ldom05 would fail if attempted",
          ], status: 1))
    #expect(try run("ldm migrate -n ldom01 sparc-t4-b") == CommandOutput())
    let after = datacenter.snapshot()
    #expect(after.hosts.map(\.memoryFree) == before.hosts.map(\.memoryFree))
    #expect(
      after.hosts.map { $0.domains.map(\.flags) } == before.hosts.map { $0.domains.map(\.flags) })
    #expect(after.migrations.isEmpty)
  }

  @Test func cancelIsRefusedOnTheTargetAndWorksOnTheSource() throws {
    let datacenter = try Self.datacenter()
    let shell = LdmShell(datacenter: datacenter)
    let id = try #require(
      shell.run("ldm migrate ldom01 sparc-t4-b:ldom_other", on: "sparc-t4-a", password: "secret")
        .pending)
    datacenter.advance(by: 0.6)
    #expect(
      shell.run("ldm cancel-operation migration ldom_other", on: "sparc-t4-b").output
        == .failure("Migration of domain ldom_other can only be cancelled from the source machine"))
    let cancel = shell.run("ldm cancel-op migration ldom01", on: "sparc-t4-a")
    #expect(cancel.output == CommandOutput())
    // ldm's cancel returns once the target has destroyed its half.
    let pending = try #require(cancel.pending)
    datacenter.advance(until: { shell.completion(of: pending) != nil }, limit: 10)
    #expect(shell.completion(of: pending) == CommandOutput())
    #expect(
      shell.completion(of: id)
        == CommandOutput(
          lines: [
            "Migration of domain ldom01 was cancelled", "Domain Migration of LDom ldom01 failed",
          ], status: 1))
    #expect(datacenter.host(named: "sparc-t4-b")?.domain(named: "ldom_other") == nil)
    #expect(datacenter.accountingProblems().isEmpty)
  }

  @Test func grepFailsWhenNothingMatches() throws {
    let shell = LdmShell(datacenter: try Self.datacenter())
    #expect(shell.run("prtconf -pv | grep no-such-property", on: "sparc-t4-a").output.status == 1)
    #expect(
      shell.run("ldm list | grep -v ldom", on: "sparc-t4-a").output.lines.map { $0.prefix(7) } == [
        "NAME   ", "primary",
      ])
    // An error is not filtered away: it reaches the terminal as ldm's stderr would.
    #expect(
      shell.run("ldm list ldom99 | grep x", on: "sparc-t4-a").output
        == .failure("Domain ldom99 not found"))
  }
}
