import Hypervisor
import Testing

/// Binding and unbinding keep a host's books exact; a refused operation changes nothing.
@Suite struct HostAccountingTests {
  func host() throws -> Host {
    let host = try Host(
      name: "h",
      cpu: HostCPU(
        type: "SPARC-T4", mhz: 2548, stickFrequency: 0x5f4_bc08, strands: 16, strandsPerChip: 16),
      os: .solaris11, managerVersion: ManagerVersion(major: 3, minor: 1), memory: 16 << 30)
    try host.addDomain("primary", vcpus: 4, memory: 4 << 30, isControl: true)
    try host.bind("primary")
    try host.start("primary")
    try host.addConsoleConcentrator("primary-vcc0", domain: "primary", ports: 5000...5001)
    return host
  }

  @Test func bindAndUnbindReturnEveryResource() throws {
    let host = try host()
    let before = host.snapshot()
    try host.addDomain("g1", vcpus: 3, memory: 2 << 30)
    try host.bind("g1")
    #expect(host.freeStrandCount == 9)
    #expect(host.physicalMemory.freeBytes == 10 << 30)
    #expect(host.domain(named: "g1")?.consolePort == 5000)
    #expect(host.accountingProblems() == [])
    try host.start("g1")
    try host.stop("g1")
    try host.unbind("g1")
    #expect(host.accountingProblems() == [])
    let after = host.snapshot()
    #expect(after.strandsFree == before.strandsFree)
    #expect(after.freeRanges == before.freeRanges)
    #expect(after.consoleConcentrators == before.consoleConcentrators)
  }

  @Test func refusedBindChangesNothing() throws {
    let host = try host()
    try host.addDomain("big", vcpus: 2, memory: 13 << 30)
    try host.addDomain("wide", vcpus: 13, memory: 1 << 30)
    let before = host.snapshot()
    #expect(
      throws: HypervisorError(
        "Not enough free memory to bind big: 13G required, 12G available")
    ) {
      try host.bind("big")
    }
    #expect(
      throws: HypervisorError(
        "Not enough free VCPUs to bind wide: 13 required, 12 available")
    ) {
      try host.bind("wide")
    }
    #expect(host.snapshot() == before)
    #expect(host.accountingProblems() == [])
  }

  @Test func fullConsoleConcentratorRefusesABind() throws {
    let host = try host()
    for name in ["a", "b", "c"] { try host.addDomain(name, vcpus: 1, memory: 1 << 30) }
    try host.bind("a")
    try host.bind("b")
    let before = host.snapshot()
    #expect(throws: HypervisorError("No free port in virtual console concentrator primary-vcc0")) {
      try host.bind("c")
    }
    #expect(host.snapshot() == before)
    try host.unbind("a")
    try host.bind("c")
    #expect(host.domain(named: "c")?.consolePort == 5000)
    #expect(host.accountingProblems() == [])
  }

  @Test func fragmentedMemoryBindsInSeveralBlocks() throws {
    let host = try host()
    for name in ["a", "b", "c"] {
      try host.addDomain(name, vcpus: 1, memory: 4 << 30)
    }
    try host.bind("a")
    try host.bind("b")
    try host.unbind("a")  // leaves 4G free at the start and 4G at the end
    try host.addDomain("d", vcpus: 1, memory: 6 << 30)
    try host.bind("d")
    let blocks = try #require(host.domain(named: "d")?.memoryBlocks)
    #expect(blocks.count == 2)
    #expect(blocks.map(\.size).reduce(0, +) == 6 << 30)
    #expect(blocks.first?.realAddress == MemoryBlock.firstRealAddress)
    #expect(blocks[1].realAddress == blocks[0].realAddress + blocks[0].size)
    #expect(host.accountingProblems() == [])
  }
}

/// The guest workload writes real bytes and the dirty log holds exactly the pages written.
@Suite struct WorkloadTests {
  @Test(arguments: ["idle", "web", "database", "stress"])
  func dirtyLogHoldsExactlyThePagesWritten(preset: String) throws {
    let host = try Host(
      name: "h",
      cpu: HostCPU(
        type: "SPARC-T4", mhz: 2548, stickFrequency: 1, strands: 8, strandsPerChip: 8),
      os: .solaris11, managerVersion: ManagerVersion(major: 3, minor: 1), memory: 4 << 30)
    let workload = try #require(Workload.preset(named: preset))
    try host.addDomain("g", vcpus: 1, memory: 256 << 20, workload: workload, bootFill: 0)
    try host.bind("g")
    try host.start("g")
    let domain = try #require(host.domain(named: "g"))
    let memory = try #require(domain.memory)
    #expect(memory.dirty.isEmpty)
    let written = domain.runRecordingWrites(seconds: 0.5)
    #expect(written.count == Int(workload.pagesPerSecond * 0.5))
    #expect(memory.dirty.pages == Set(written).sorted())
    // Every written page holds a non-zero word; an unwritten one reads as zeros.
    for page in Set(written) { #expect(!memory.isZero(page: page)) }
    let untouched = (0..<memory.pageCount).first { !memory.dirty.contains($0) }
    if let untouched { #expect(memory.isZero(page: untouched)) }
  }

  @Test func bootFillIsDeterministic() throws {
    let a = GuestMemory(byteCount: 64 << 20)
    let b = GuestMemory(byteCount: 64 << 20)
    a.fill(fraction: 0.25, seed: 7)
    b.fill(fraction: 0.25, seed: 7)
    #expect(a.residentPages == b.residentPages)
    #expect(a.residentPages == 2048)
    for page in stride(from: 0, to: a.pageCount, by: 97) {
      #expect(a.load(page: page, wordOffset: 5) == b.load(page: page, wordOffset: 5))
    }
  }
}
