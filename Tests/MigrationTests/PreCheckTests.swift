import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// Each pre-check of LDM-REFERENCE §5, with its exact failure line.
@Suite struct PreCheckTests {
  typealias H = MigrationHarness

  /// Starts the migration, runs it out, and returns what ldm would print.
  func failure(_ datacenter: Datacenter, _ request: MigrationRequest) throws -> [String] {
    let before = datacenter.snapshot().hosts
    let id = try datacenter.startMigration(request)
    let outcome = H.finish(datacenter, id)
    guard case .failed = outcome else {
      Issue.record("migration of \(request.domain) did not fail")
      return []
    }
    let lines = H.lines(outcome, domain: request.domain)
    // A refused migration changes nothing but the clock.
    let after = datacenter.snapshot().hosts
    #expect(after.map(\.memoryFree) == before.map(\.memoryFree))
    #expect(after.map(\.strandsFree) == before.map(\.strandsFree))
    #expect(after.map { $0.domains.map(\.name) } == before.map { $0.domains.map(\.name) })
    #expect(after.map { $0.domains.map(\.flags) } == before.map { $0.domains.map(\.flags) })
    #expect(datacenter.accountingProblems() == [])
    return lines
  }

  @Test func unreachableTarget() throws {
    let datacenter = try H.builtin(populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom01", to: "sparc-t4-z")) == [
        "Failed to establish connection with ldmd(1m) on target: sparc-t4-z",
        "Domain Migration of LDom ldom01 failed",
      ])
  }

  @Test func wrongPassword() throws {
    let datacenter = try H.builtin(populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom01", password: "guess")) == [
        "Authentication to sparc-t4-b as root failed", "Domain Migration of LDom ldom01 failed",
      ])
  }

  /// The target host's lines in the seed scenario, for edits that touch only the target.
  static let targetCPU =
    "- name: sparc-t4-b\n    cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08,"
  static let targetManager =
    "strands-per-chip: 64 }\n    os: solaris11\n    manager: \"3.1\"\n    memory: 64G\n"
    + "    users: { root: secret }\n    services:\n      vds:\n        - name: primary-vds0\n"
    + "          volumes:\n            - { name: vol01, device: /dev/dsk/c3t1d0s2 }"

  @Test func oldManagerOnTarget() throws {
    let datacenter = try H.scenario(
      "seed-walkthrough",
      replacing: [
        (Self.targetManager, Self.targetManager.replacingOccurrences(of: "3.1", with: "2.0"))
      ],
      populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom01")) == [
        "Oracle VM Server for SPARC 2.1 or later is required on the target machine (sparc-t4-b"
          + " runs 2.0)",
        "Domain Migration of LDom ldom01 failed",
      ])
  }

  @Test func domainAlreadyMigrating() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let first = try datacenter.startMigration(H.request("ldom01"))
    datacenter.advance(by: 0.1)
    #expect(
      try failure(datacenter, H.request("ldom01", as: "ldom01_copy")) == [
        "Domain ldom01 is already being migrated", "Domain Migration of LDom ldom01 failed",
      ])
    // The refused second request left the first one alone.
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01")?.contains("-n---s") == true)
    #expect(H.finish(datacenter, first) == .completed)
  }

  @Test func targetNameTaken() throws {
    let datacenter = try H.builtin(populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom01", as: "primary")) == [
        "Domain primary already exists on the target machine",
        "Domain Migration of LDom ldom01 failed",
      ])
  }

  @Test func directIO() throws {
    let datacenter = try H.builtin(populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom05")) == [
        "Domain ldom05 has direct I/O devices (pci_1) and cannot be migrated",
        "Domain Migration of LDom ldom05 failed",
      ])
  }

  @Test func notEnoughCPUs() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let target = try #require(datacenter.host(named: "sparc-t4-b"))
    try target.addDomain("hog", vcpus: 52, memory: 1 << 30)
    try target.bind("hog")
    #expect(
      try failure(datacenter, H.request("ldom02")) == [
        "Not enough free VCPUs on the target machine: 8 required, 4 available",
        "Domain Migration of LDom ldom02 failed",
      ])
  }

  @Test func differentCPUTypeWithNativeArch() throws {
    let datacenter = try H.scenario("cross-cpu", populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom11", to: "sparc-t5-b")) == [
        "Target CPU type SPARC-T5 does not match source CPU type SPARC-T4; set cpu-arch=generic"
          + " for a cross-CPU migration",
        "Domain Migration of LDom ldom11 failed",
      ])
  }

  @Test func solaris10NeedsTheSameStickFrequency() throws {
    let datacenter = try H.scenario(
      "seed-walkthrough",
      replacing: [
        ("name: ldom01\n        vcpus: 1", "name: ldom01\n        os: solaris10\n        vcpus: 1"),
        (Self.targetCPU, Self.targetCPU.replacingOccurrences(of: "0x5f4bc08", with: "0x5f5e100")),
      ], populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom01")) == [
        "Target stick frequency 0x5f5e100 does not match source stick frequency 0x5f4bc08;"
          + " Solaris 10 guests need the same stick frequency",
        "Domain Migration of LDom ldom01 failed",
      ])
    // A Solaris 11 guest does not care about the stick frequency.
    let id = try datacenter.startMigration(H.request("ldom02"))
    #expect(H.finish(datacenter, id) == .completed)
  }

  @Test func crossCPUNeedsSolaris11InTheGuest() throws {
    let datacenter = try H.scenario("cross-cpu", populateMemory: false)
    let source = try #require(datacenter.host(named: "sparc-t4-a"))
    try source.stop("ldom10")
    try source.setCPUArch(.generic, of: "ldom10")
    try source.start("ldom10")
    #expect(
      try failure(datacenter, H.request("ldom10", to: "sparc-t5-b", force: true)) == [
        "Cross-CPU migration requires Solaris 11 in the guest; ldom10 runs Solaris 10",
        "Domain Migration of LDom ldom10 failed",
      ])
  }

  @Test func crossCPUNeedsManager22OnBothMachines() throws {
    let datacenter = try H.scenario(
      "cross-cpu",
      replacing: [("manager: \"3.1\"\n    memory: 128G", "manager: \"2.1\"\n    memory: 128G")],
      populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom12", to: "sparc-t5-b", force: true)) == [
        "Cross-CPU migration requires Oracle VM Server for SPARC 2.2 or later on both machines",
        "Domain Migration of LDom ldom12 failed",
      ])
  }

  @Test func crossCPUWithGenericArchNeedsForce() throws {
    let datacenter = try H.scenario("cross-cpu", populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom12", to: "sparc-t5-b")) == [
        "Warning: ldom12 would move from a SPARC-T4 to a SPARC-T5 processor with"
          + " cpu-arch=generic; use -f to proceed",
        "Domain Migration of LDom ldom12 failed",
      ])
    let id = try datacenter.startMigration(H.request("ldom12", to: "sparc-t5-b", force: true))
    #expect(H.finish(datacenter, id) == .completed)
    #expect(H.row(datacenter, "sparc-t5-b", "ldom12") == "active -n---- 5000")
  }

  @Test func fragmentedTargetMemory() throws {
    let datacenter = try H.scenario("tight-target", populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom21")) == [
        "Unable to bind 2G memory region at real address 0x8000000",
        "Domain Migration of LDom ldom21 failed",
      ])
  }

  @Test func missingVolume() throws {
    let datacenter = try H.builtin(populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom03")) == [
        "Volume vol03@primary-vds0 is not defined on the target machine",
        "Domain Migration of LDom ldom03 failed",
      ])
  }

  @Test func missingVirtualSwitch() throws {
    let datacenter = try H.builtin(populateMemory: false)
    try #require(datacenter.host(named: "sparc-t4-b")).removeSwitch("primary-vsw0")
    #expect(
      try failure(datacenter, H.request("ldom01")) == [
        "Virtual switch primary-vsw0 does not exist on the target machine",
        "Domain Migration of LDom ldom01 failed",
      ])
  }

  @Test func noFreeConsolePort() throws {
    let datacenter = try H.scenario("tight-target", populateMemory: false)
    #expect(
      try failure(datacenter, H.request("ldom22")) == [
        "No free port in virtual console concentrator primary-vcc0 on the target machine",
        "Domain Migration of LDom ldom22 failed",
      ])
  }

  @Test func dryRunListsEveryFailureAndChangesNothing() throws {
    let datacenter = try H.scenario("tight-target", populateMemory: false)
    let before = datacenter.snapshot()
    let results = try H.dryRun(datacenter, H.request("ldom21"))
    #expect(
      results.flatMap(\.lines) == [
        "Unable to bind 2G memory region at real address 0x8000000",
        "No free port in virtual console concentrator primary-vcc0 on the target machine",
      ])
    #expect(datacenter.snapshot().hosts.map(\.memoryFree) == before.hosts.map(\.memoryFree))
    #expect(datacenter.snapshot().hosts.map(\.domains.count) == before.hosts.map(\.domains.count))
    let clean = try H.dryRun(datacenter, H.request("ldom22", as: "ldom22"))
    #expect(
      clean.flatMap(\.lines) == [
        "No free port in virtual console concentrator primary-vcc0 on the target machine"
      ])
  }
}
