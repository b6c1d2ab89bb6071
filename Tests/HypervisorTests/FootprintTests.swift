import Hypervisor
import Testing

/// A workload writes only inside its footprint, and simulated time costs what the pages it
/// touches cost: a span of 100000 hours touches each footprint page once.
@Suite struct FootprintTests {
  static let hundredThousandHours = 100_000.0 * 3_600

  /// A host with one running guest of `memory` bytes and no boot fill, so every resident page
  /// is one the workload wrote.
  func guest(_ workload: Workload, memory: UInt64 = 256 << 20) throws -> (Host, Domain) {
    let host = try Host(
      name: "h",
      cpu: HostCPU(
        type: "SPARC-T4", mhz: 2548, stickFrequency: 1, strands: 8, strandsPerChip: 8),
      os: .solaris11, managerVersion: ManagerVersion(major: 3, minor: 1), memory: 4 << 30)
    try host.addDomain("g", vcpus: 1, memory: memory, workload: workload, bootFill: 0)
    try host.bind("g")
    try host.start("g")
    return (host, try #require(host.domain(named: "g")))
  }

  func residentPages(_ memory: GuestMemory) -> [Int] {
    (0..<memory.pageCount).filter { memory.isResident($0) }
  }

  @Test(arguments: ["idle", "web", "database", "stress"])
  func residentPagesNeverLeaveTheFootprint(preset: String) throws {
    let workload = try #require(Workload.preset(named: preset))
    let (host, domain) = try guest(workload)
    let memory = try #require(domain.memory)
    let layout = workload.layout(pageCount: memory.pageCount)
    #expect(layout.footprintPages < memory.pageCount)
    // Short spans write by write, a long one at once, then short ones again.
    for seconds in [0.1, 0.5, 2, 30, 600, Self.hundredThousandHours, 0.5, 3] {
      host.advance(seconds: seconds)
      #expect(memory.residentPages <= layout.footprintPages)
    }
    #expect(residentPages(memory).allSatisfy(layout.contains))
    #expect(memory.dirty.pages.allSatisfy(layout.contains))
  }

  /// 100000 hours write every footprint page, once, and nothing outside it.
  @Test(arguments: ["idle", "web", "database", "stress"])
  func aHundredThousandHoursTouchEveryFootprintPageOnce(preset: String) throws {
    let workload = try #require(Workload.preset(named: preset))
    let (_, domain) = try guest(workload)
    let memory = try #require(domain.memory)
    let layout = workload.layout(pageCount: memory.pageCount)
    let written = domain.runRecordingWrites(seconds: Self.hundredThousandHours)
    #expect(written == layout.footprint)
    #expect(memory.dirty.pages == layout.footprint)
    #expect(residentPages(memory) == layout.footprint)
    for page in layout.footprint { #expect(!memory.isZero(page: page)) }
  }

  /// While no migration logs a guest's memory its stores are owed; a migration starting
  /// makes them first, so the pages it finds dirtied and their bytes are those the stores
  /// made one by one would leave.
  @Test func storesOwedWhileUnloggedAreMadeWhenAMigrationStarts() throws {
    let (host, domain) = try guest(.database)
    let (_, reference) = try guest(.database)
    let memory = try #require(domain.memory)
    let referenceMemory = try #require(reference.memory)
    for _ in 0..<25 { host.advance(seconds: 0.04) }
    domain.setMigrationRole(.source)
    let written = reference.runRecordingWrites(seconds: 1)
    #expect(!written.isEmpty)
    #expect(memory.dirty == referenceMemory.dirty)
    for page in Set(written) {
      #expect(
        memory.load(page: page, wordOffset: 0) == referenceMemory.load(page: page, wordOffset: 0))
    }
    // Logged, each span's stores are made as it passes.
    let before = memory.dirty.count
    memory.dirty.clearAll()
    host.advance(seconds: 0.04)
    #expect(memory.dirty.count > 0)
    #expect(before > 0)
  }

  /// Writes confined to the hot set (hot-writes 1) stay there however long the span.
  @Test func confinedWritesStayInTheHotSet() throws {
    var workload = Workload.web
    workload.hotWriteFraction = 1
    let (host, domain) = try guest(workload)
    let memory = try #require(domain.memory)
    host.advance(seconds: Self.hundredThousandHours)
    #expect(memory.dirty.pages == workload.layout(pageCount: memory.pageCount).hotSet)
  }

  /// Jumping over a span dirties as many pages as writing it write by write would, within a
  /// few percent: the chance of a miss is the exact one.
  @Test(arguments: [2.0, 5.0, 20.0])
  func aJumpDirtiesAboutWhatWriteByWriteDirties(footprints: Double) throws {
    let workload = Workload.database
    let (_, jumping) = try guest(workload)
    let (_, stepping) = try guest(workload)
    let pages = try #require(jumping.memory).pageCount
    let footprintPages = workload.layout(pageCount: pages).footprintPages
    let seconds = footprints * Double(footprintPages) / workload.pagesPerSecond
    _ = jumping.runRecordingWrites(seconds: seconds)
    // Steps short enough that each one writes fewer pages than the footprint holds.
    let steps = Int(footprints * 4)
    var stepped = 0
    for _ in 0..<steps {
      stepped += stepping.runRecordingWrites(seconds: seconds / Double(steps)).count
    }
    #expect(abs(stepped - Int((workload.pagesPerSecond * seconds).rounded())) <= 1)
    let jumped = try #require(jumping.memory).dirty.count
    let walked = try #require(stepping.memory).dirty.count
    #expect(jumped < footprintPages)
    #expect(abs(Double(jumped - walked)) < 0.03 * Double(walked))
  }

  @Test func longSpansAreDeterministic() throws {
    let (hostA, domainA) = try guest(.stress)
    let (hostB, domainB) = try guest(.stress)
    for seconds in [1.0, 7_200, 3, Self.hundredThousandHours] {
      hostA.advance(seconds: seconds)
      hostB.advance(seconds: seconds)
    }
    let a = try #require(domainA.memory)
    let b = try #require(domainB.memory)
    #expect(a.dirty == b.dirty)
    for page in a.dirty.pages {
      for word in stride(from: 0, to: GuestMemory.pageSize / 8, by: 61) {
        #expect(a.load(page: page, wordOffset: word) == b.load(page: page, wordOffset: word))
      }
    }
  }

  /// Spans whose writes no count can hold, and spans that are not a span at all.
  @Test func hugeSpansCannotOverflow() throws {
    let (host, domain) = try guest(.stress)
    let memory = try #require(domain.memory)
    for seconds in [1e300, .greatestFiniteMagnitude, .infinity, .nan, -5, 0] {
      host.advance(seconds: seconds)
    }
    #expect(
      memory.dirty.count == Workload.stress.layout(pageCount: memory.pageCount).footprintPages)
    #expect(domain.snapshot().uptimeSeconds > 0)
    // A throttle never makes a negative rate.
    domain.setThrottle(0.99)
    host.advance(seconds: 10)
  }

  @Test func footprintInPages() {
    #expect(Footprint.fraction(0.25).pages(of: 1_000) == 250)
    #expect(Footprint.fraction(1e-9).pages(of: 1_000) == 1)
    #expect(Footprint.fraction(1).pages(of: 1_000) == 1_000)
    #expect(Footprint.bytes(64 << 20).pages(of: 32_768) == 8_192)
    #expect(Footprint.bytes(1 << 40).pages(of: 32_768) == 32_768)
    #expect(Footprint.bytes(1).pages(of: 32_768) == 1)
    // Two runs, the second one partial, far apart; all of them hot.
    var workload = Workload.web
    workload.footprint = .fraction(0.01)
    let small = workload.layout(pageCount: 10_000)
    #expect(small.footprint == Array(0..<64) + Array(4_992..<5_028))
    #expect(small.hotSet == small.footprint)
    let none = workload.layout(pageCount: 0)
    #expect(none.footprint.isEmpty && none.hotSet.isEmpty && !none.contains(0))
  }

  /// The footprint is runs of 64 pages spread over the whole memory, the hot set runs spread
  /// over the footprint's; membership agrees with the list.
  @Test(arguments: [
    (32_768, 0.25, 0.03), (32_768, 0.5, 0.15), (524_288, 416.0 / 4096, 0.1), (1_000, 0.37, 0.2),
    (100, 0.5, 0.1), (8_192, 1, 0.01),
  ])
  func footprintRunsSpreadOverMemory(pages: Int, footprint: Double, hotSet: Double) {
    var workload = Workload.web
    workload.footprint = .fraction(footprint)
    workload.hotSetFraction = hotSet
    let layout = workload.layout(pageCount: pages)
    let pagesOfFootprint = layout.footprint
    #expect(pagesOfFootprint.count == layout.footprintPages)
    #expect(
      pagesOfFootprint == pagesOfFootprint.sorted()
        && Set(pagesOfFootprint).count == pagesOfFootprint.count)
    #expect(pagesOfFootprint.allSatisfy { $0 >= 0 && $0 < pages })
    let members = Set(pagesOfFootprint)
    #expect((0..<pages).allSatisfy { layout.contains($0) == members.contains($0) })
    let hot = layout.hotSet
    #expect(hot.count == layout.hotPages && Set(hot).count == hot.count)
    #expect(hot.allSatisfy(members.contains))
    // Each half of memory holds its share of the footprint and of the hot set.
    if pages >= 8_192 {
      let low = pagesOfFootprint.filter { $0 < pages / 2 }.count
      #expect(abs(Double(low) / Double(pagesOfFootprint.count) - 0.5) < 0.05)
      let lowHot = hot.filter { $0 < pages / 2 }.count
      // (A hot set of a run or two cannot be halved.)
      #expect(hot.count < 512 || abs(Double(lowHot) / Double(hot.count) - 0.5) < 0.05)
    }
  }
}
