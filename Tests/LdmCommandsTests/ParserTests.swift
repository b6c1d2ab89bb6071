import Hypervisor
import LdmCommands
import Testing

@Suite struct ParserTests {
  typealias Command = LdmCommand

  static let good: [(String, LdmCommandLine)] = [
    ("ldm list", .init(command: .listDomains(.init()))),
    ("ldm ls ldom01 ldom02", .init(command: .listDomains(.init(names: ["ldom01", "ldom02"])))),
    (
      "ldm list-domain -l ldom01",
      .init(command: .listDomains(.init(format: .long, names: ["ldom01"])))
    ),
    ("ldm list -p", .init(command: .listDomains(.init(format: .parseable)))),
    (
      "ldm list -o status ldom01",
      .init(command: .listDomains(.init(format: .status, names: ["ldom01"])))
    ),
    ("ldm list -ostatus", .init(command: .listDomains(.init(format: .status)))),
    ("ldm ls-services", .init(command: .listServices)),
    (
      "ldm set-domain cpu-arch=generic ldom01",
      .init(command: .setCPUArch(.generic, domain: "ldom01"))
    ),
    (
      "ldm set-dom cpu-arch=migration-class1 ldom01",
      .init(command: .setCPUArch(.migrationClass1, domain: "ldom01"))
    ),
    ("ldm add-dom ldom09", .init(command: .addDomain("ldom09"))),
    ("ldm set-vcpu 4 ldom09", .init(command: .setVCPUs(4, domain: "ldom09"))),
    ("ldm set-mem 2G ldom09", .init(command: .setMemory(2 * ByteSize.gibibyte, domain: "ldom09"))),
    ("ldm bind ldom09", .init(command: .bindDomain("ldom09"))),
    ("ldm start ldom09", .init(command: .startDomain("ldom09"))),
    ("ldm stop-domain ldom09", .init(command: .stopDomain("ldom09"))),
    ("ldm unbind ldom09", .init(command: .unbindDomain("ldom09"))),
    ("ldm rm-dom ldom09", .init(command: .removeDomain("ldom09"))),
    (
      "ldm add-vds primary-vds1 primary",
      .init(command: .addDiskService("primary-vds1", domain: "primary"))
    ),
    ("ldm rm-vds primary-vds1", .init(command: .removeDiskService("primary-vds1"))),
    (
      "ldm add-vdsdev /dev/dsk/c2t6d0s2 vol09@primary-vds0",
      .init(
        command: .addVolume(
          .init(volume: "vol09", service: "primary-vds0"), backend: "/dev/dsk/c2t6d0s2", options: ""
        ))
    ),
    (
      "ldm add-vdsdev options=ro /iso/sol.iso iso@primary-vds0",
      .init(
        command: .addVolume(
          .init(volume: "iso", service: "primary-vds0"), backend: "/iso/sol.iso", options: "ro"))
    ),
    (
      "ldm rm-vdsdev vol09@primary-vds0",
      .init(command: .removeVolume(.init(volume: "vol09", service: "primary-vds0")))
    ),
    (
      "ldm add-vsw net-dev=net1 primary-vsw1 primary",
      .init(command: .addSwitch("primary-vsw1", domain: "primary", netDevice: "net1"))
    ),
    (
      "ldm add-vsw primary-vsw1 primary",
      .init(command: .addSwitch("primary-vsw1", domain: "primary", netDevice: ""))
    ),
    ("ldm rm-vsw primary-vsw1", .init(command: .removeSwitch("primary-vsw1"))),
    (
      "ldm add-vcc port-range=6000-6010 vcc1 primary",
      .init(command: .addConsoleConcentrator("vcc1", domain: "primary", ports: 6000...6010))
    ),
    ("ldm rm-vcc vcc1", .init(command: .removeConsoleConcentrator("vcc1"))),
    (
      "ldm add-vdisk vdisk2 vol02@primary-vds0 ldom01",
      .init(
        command: .addDisk(
          "vdisk2", volume: .init(volume: "vol02", service: "primary-vds0"), domain: "ldom01"))
    ),
    ("ldm rm-vdisk vdisk2 ldom01", .init(command: .removeDisk("vdisk2", domain: "ldom01"))),
    (
      "ldm add-vnet vnet2 primary-vsw0 ldom01",
      .init(command: .addNetwork("vnet2", switchName: "primary-vsw0", domain: "ldom01"))
    ),
    ("ldm rm-vnet vnet2 ldom01", .init(command: .removeNetwork("vnet2", domain: "ldom01"))),
    (
      "ldm migrate ldom01 root@sparc-t4-b",
      .init(command: .migrate(.init(domain: "ldom01", targetHost: "sparc-t4-b")))
    ),
    (
      "ldm migrate-domain -fn -p root.pw ldom01 admin@sparc-t4-b:ldom_other",
      .init(
        command: .migrate(
          .init(
            domain: "ldom01", user: "admin", targetHost: "sparc-t4-b", targetName: "ldom_other",
            dryRun: true, force: true, passwordFile: "root.pw")))
    ),
    (
      "ldm migrate -proot.pw ldom01 sparc-t4-b",
      .init(
        command: .migrate(
          .init(domain: "ldom01", targetHost: "sparc-t4-b", passwordFile: "root.pw")))
    ),
    (
      "ldm migrate -n -- ldom01 sparc-t4-b",
      .init(command: .migrate(.init(domain: "ldom01", targetHost: "sparc-t4-b", dryRun: true)))
    ),
    ("ldm cancel-operation migration ldom01", .init(command: .cancelMigration(domain: "ldom01"))),
    ("ldm cancel-op migration ldom01", .init(command: .cancelMigration(domain: "ldom01"))),
    ("psrinfo -pv", .init(command: .psrinfo)),
    ("psrinfo -p -v", .init(command: .psrinfo)),
    ("prtconf -vp", .init(command: .prtconf)),
    (
      "prtconf -pv | grep stick-frequency",
      .init(command: .prtconf, filter: .init(pattern: "stick-frequency"))
    ),
    (
      "prtconf -pv|grep -v -i Node",
      .init(command: .prtconf, filter: .init(pattern: "Node", invert: true, ignoreCase: true))
    ),
    ("ldm list 'ldom|01'", .init(command: .listDomains(.init(names: ["ldom|01"])))),
  ]

  @Test(arguments: good)
  func parsesGoodLines(line: String, expected: LdmCommandLine) throws {
    #expect(try LdmCommandLine.parse(line) == expected)
  }

  static let bad: [(String, String)] = [
    ("", "No command given"),
    ("ldm", "Usage: ldm subcommand [option]... [operand]..."),
    ("ldm frobnicate", "Unknown command: ldm frobnicate"),
    ("frobnicate now", "frobnicate: command not found (try ldm, psrinfo -pv or prtconf -pv)"),
    ("ldm list -x", "Invalid option: -x"),
    ("ldm list -lx", "Invalid option: -x"),
    ("ldm list --long", "Invalid option: --long"),
    ("ldm list -o", "Option -o requires an argument"),
    (
      "ldm list -o network ldom01",
      "Unsupported output format: network (this console lists -o status only)"
    ),
    ("ldm list -p -l", "Option -p cannot be combined with -l or -o"),
    ("ldm list -p -o status", "Option -p cannot be combined with -l or -o"),
    ("ldm list ldom01 -l", "Option -l must come before the operands"),
    ("ldm list 'ldom01", "Syntax error: unterminated ' quote"),
    ("ldm list-services primary", "Usage: ldm list-services"),
    (
      "ldm set-domain ldom01", "Usage: ldm set-domain cpu-arch=native|generic|migration-class1 ldom"
    ),
    (
      "ldm set-domain cpu-arch=generic",
      "Usage: ldm set-domain cpu-arch=native|generic|migration-class1 ldom"
    ),
    (
      "ldm set-domain cpu-arch=sparc64 ldom01",
      "Invalid cpu-arch: sparc64 (expected native, generic or migration-class1)"
    ),
    (
      "ldm set-domain max-cores=2 ldom01",
      "Unsupported property: max-cores (ldm set-domain accepts cpu-arch)"
    ),
    ("ldm add-domain", "Usage: ldm add-domain ldom"),
    ("ldm add-domain a b", "Usage: ldm add-domain ldom"),
    ("ldm set-vcpu ldom01", "Usage: ldm set-vcpu number ldom"),
    ("ldm set-vcpu four ldom01", "Invalid number of VCPUs: four"),
    ("ldm set-vcpu -2 ldom01", "Invalid option: -2"),
    ("ldm set-memory 1Q ldom01", "Invalid memory size: 1Q"),
    ("ldm set-memory 1G", "Usage: ldm set-memory size[unit] ldom"),
    ("ldm bind-domain", "Usage: ldm bind-domain ldom"),
    ("ldm start ldom01 ldom02", "Usage: ldm start-domain ldom"),
    ("ldm stop -f ldom01", "Invalid option: -f"),
    ("ldm unbind", "Usage: ldm unbind-domain ldom"),
    ("ldm rm-dom", "Usage: ldm remove-domain ldom"),
    ("ldm add-vds primary-vds1", "Usage: ldm add-vds service-name ldom"),
    (
      "ldm add-vdsdev /dev/dsk/c2t6d0s2 vol09",
      "Invalid volume: vol09 (expected volume-name@service-name)"
    ),
    (
      "ldm add-vdsdev /dev/dsk/c2t6d0s2 @primary-vds0",
      "Invalid volume: @primary-vds0 (expected volume-name@service-name)"
    ),
    ("ldm rm-vdsdev vol01@", "Invalid volume: vol01@ (expected volume-name@service-name)"),
    (
      "ldm add-vsw mode=sc primary-vsw1 primary",
      "Unsupported property: mode (ldm add-vsw accepts net-dev)"
    ),
    ("ldm add-vsw primary-vsw1", "Usage: ldm add-vsw [net-dev=device] vswitch-name ldom"),
    ("ldm add-vcc vcc1 primary", "Usage: ldm add-vcc port-range=x-y vcc-name ldom"),
    (
      "ldm add-vcc port-range=6010-6000 vcc1 primary",
      "Invalid port range: 6010-6000 (expected LOW-HIGH, e.g. 5000-5100)"
    ),
    (
      "ldm add-vcc port-range=abc vcc1 primary",
      "Invalid port range: abc (expected LOW-HIGH, e.g. 5000-5100)"
    ),
    ("ldm rm-vcc", "Usage: ldm remove-vcc vcc-name"),
    (
      "ldm add-vdisk vdisk2 vol02 ldom01",
      "Invalid volume: vol02 (expected volume-name@service-name)"
    ),
    ("ldm add-vdisk vdisk2 ldom01", "Usage: ldm add-vdisk disk-name volume-name@service-name ldom"),
    ("ldm rm-vdisk vdisk2", "Usage: ldm remove-vdisk disk-name ldom"),
    ("ldm add-vnet vnet2 ldom01", "Usage: ldm add-vnet if-name vswitch-name ldom"),
    ("ldm rm-vnet vnet2", "Usage: ldm remove-vnet if-name ldom"),
    ("ldm migrate ldom01", "Usage: " + migrateUsage),
    ("ldm migrate", "Usage: " + migrateUsage),
    ("ldm migrate ldom01 sparc-t4-b extra", "Usage: " + migrateUsage),
    ("ldm migrate -p", "Option -p requires an argument"),
    ("ldm migrate -x ldom01 sparc-t4-b", "Invalid option: -x"),
    ("ldm migrate ldom01 -n sparc-t4-b", "Option -n must come before the operands"),
    (
      "ldm migrate ldom01 root@",
      "Invalid target: root@ (expected [user@]target-host[:target-ldom])"
    ),
    (
      "ldm migrate ldom01 @sparc-t4-b",
      "Invalid target: @sparc-t4-b (expected [user@]target-host[:target-ldom])"
    ),
    (
      "ldm migrate ldom01 sparc-t4-b:",
      "Invalid target: sparc-t4-b: (expected [user@]target-host[:target-ldom])"
    ),
    (
      "ldm migrate ldom01 a@b@c",
      "Invalid target: a@b@c (expected [user@]target-host[:target-ldom])"
    ),
    (
      "ldm migrate -p root.pw ldom01 sparc-t4-b | grep x",
      "A migration cannot be piped; run ldm migrate-domain on its own"
    ),
    ("ldm cancel-operation migration", "Usage: ldm cancel-operation migration ldom"),
    (
      "ldm cancel-operation reconf ldom01",
      "Unsupported operation: reconf (only a migration can be cancelled here)"
    ),
    ("psrinfo", "Usage: psrinfo -pv"),
    ("psrinfo -p", "Usage: psrinfo -pv"),
    ("psrinfo -pvt", "Invalid option: -t"),
    ("prtconf -pv extra", "Usage: prtconf -pv"),
    ("prtconf -pv | sort", "sort: not available after a pipe (only grep is)"),
    ("prtconf -pv | grep", "Usage: grep [-v] [-i] pattern"),
    ("prtconf -pv | ", "Syntax error: nothing after |"),
    ("prtconf -pv | grep a | grep b", "Only one pipe, into grep, is supported"),
  ]

  static let migrateUsage =
    "ldm migrate-domain [-f] [-n] [-p password-file] source-ldom [user@]target-host[:target-ldom]"

  @Test(arguments: bad)
  func refusesMalformedLines(line: String, message: String) {
    #expect(throws: LdmError(message)) { try LdmCommandLine.parse(line) }
  }

  @Test func thereAreAtLeastFortyMalformedLines() {
    #expect(Self.bad.count >= 40)
    #expect(Set(Self.bad.map(\.0)).count == Self.bad.count)
  }

  @Test func onlyMigrationWithoutPasswordFileNeedsAPrompt() throws {
    #expect(try LdmCommandLine.parse("ldm migrate ldom01 sparc-t4-b").command.needsPasswordPrompt)
    #expect(
      try !LdmCommandLine.parse("ldm migrate -p f ldom01 sparc-t4-b").command.needsPasswordPrompt)
    #expect(try !LdmCommandLine.parse("ldm list").command.needsPasswordPrompt)
  }

  @Test func grepFilterMatchesPlainText() {
    let filter = LdmCommandLine.LineFilter(pattern: "Stick", ignoreCase: true)
    #expect(filter.matches("    stick-frequency:  05f4bc08"))
    #expect(!filter.matches("    clock-frequency:  97e00000"))
    #expect(LdmCommandLine.LineFilter(pattern: "a.c").matches("abc") == false)
  }
}
