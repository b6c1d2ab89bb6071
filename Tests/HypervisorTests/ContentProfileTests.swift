import Foundation
import Hypervisor
import Testing

/// Guest memory that looks like real memory: each profile is deterministic, has its share of
/// zero pages and compresses as what it resembles does.
@Suite struct ContentProfileTests {
  static let realistic: [ContentProfile] = [.mostlyZero, .text, .code, .mixed, .files]

  func filled(_ profile: ContentProfile, bytes: UInt64 = 16 << 20, seed: UInt64 = 7) -> GuestMemory
  {
    let memory = GuestMemory(byteCount: bytes)
    memory.fill(fraction: 1, seed: seed, content: profile)
    return memory
  }

  func samePages(_ a: GuestMemory, _ b: GuestMemory) -> Bool {
    (0..<a.pageCount).allSatisfy { page in
      switch (a.bytes(ofPage: page), b.bytes(ofPage: page)) {
      case (let x?, let y?): memcmp(x, y, GuestMemory.pageSize) == 0
      case (nil, nil): true
      default: false
      }
    }
  }

  /// The non-zero pages' bytes, concatenated.
  func nonZeroBytes(_ memory: GuestMemory, pages: Int = 2_048) -> Data {
    var data = Data()
    for page in 0..<min(pages, memory.pageCount) {
      guard let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
        continue
      }
      data.append(bytes.assumingMemoryBound(to: UInt8.self), count: GuestMemory.pageSize)
    }
    return data
  }

  @Test(arguments: ContentProfile.allCases)
  func sameSeedSameBytes(profile: ContentProfile) {
    #expect(samePages(filled(profile), filled(profile)))
    #expect(!samePages(filled(profile), filled(profile, seed: 8)))
  }

  @Test(arguments: ContentProfile.allCases)
  func zeroPagesHaveTheProfilesShare(profile: ContentProfile) {
    let memory = filled(profile, bytes: 64 << 20)
    #expect(memory.residentPages == memory.pageCount)
    let zero = (0..<memory.pageCount).filter { memory.isZero(page: $0) }.count
    let share = Double(zero) / Double(memory.pageCount)
    if let expected = profile.zeroPageShare {
      #expect(abs(share - expected) < 0.03, "\(profile): \(share) of the pages are zero")
    } else {
      // Files: the files decide, and few 8 KiB pieces of a library or a document are zeros.
      #expect(share < 0.1)
    }
  }

  /// The bench's 1 GiB domain (`fill: 1`, the default profile) has no zero page at all.
  @Test func aFullRandomDomainHasNoZeroPage() {
    let memory = GuestMemory(byteCount: 1 << 30)
    memory.fill(fraction: 1, seed: 42)
    #expect(memory.residentPages == memory.pageCount)
    #expect((0..<memory.pageCount).allSatisfy { !memory.isZero(page: $0) })
  }

  /// Bits of information per byte by byte frequency (order 0): 8 for random bytes, about 4.5
  /// for English text.
  func entropy(_ data: Data) -> Double {
    var counts = [Int](repeating: 0, count: 256)
    for byte in data { counts[Int(byte)] += 1 }
    let total = Double(data.count)
    return counts.reduce(0.0) { sum, count in
      guard count > 0 else { return sum }
      let p = Double(count) / total
      return sum - p * log2(p)
    }
  }

  @Test func profilesDifferInEntropy() {
    let random = entropy(nonZeroBytes(filled(.random)))
    let text = entropy(nonZeroBytes(filled(.text)))
    let code = entropy(nonZeroBytes(filled(.code)))
    let mixed = entropy(nonZeroBytes(filled(.mixed)))
    let sparse = entropy(nonZeroBytes(filled(.mostlyZero)))
    #expect(random > 7.95)
    #expect((3.8...5.2).contains(text), "text: \(text) bits per byte")
    #expect((4.5...7.0).contains(code), "code: \(code) bits per byte")
    #expect(mixed > text && mixed < random, "mixed: \(mixed) bits per byte")
    #expect(sparse < 2, "mostly-zero: \(sparse) bits per byte")
  }

  /// What a command-line compressor makes of `data`: input bytes per output byte.
  func ratio(_ tool: String, _ arguments: [String], _ data: Data) throws -> Double {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ldm-content-\(getpid())-\(UUID().uuidString)")
    try data.write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments + ["-c", input.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0 && !compressed.isEmpty)
    return Double(data.count) / Double(compressed.count)
  }

  /// Realistic profiles compress about as the memory they resemble does (Debian's zstd -1
  /// makes 2.9 of Perl modules and 2.0 of libc; lz4 1.9 and 1.6), random does not.
  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/lz4")))
  func realisticProfilesCompressAndRandomDoesNot() throws {
    // 4 MiB of non-zero pages: beyond lz4's window and within zstd -1's reach of a batch.
    func ratios(_ profile: ContentProfile) throws -> (zstd: Double, lz4: Double) {
      let data = nonZeroBytes(filled(profile), pages: 512)
      return (
        try ratio("/usr/bin/zstd", ["-1", "-q"], data), try ratio("/usr/bin/lz4", ["-q"], data)
      )
    }
    let random = try ratios(.random)
    #expect(random.zstd < 1.01 && random.lz4 < 1.01)
    let text = try ratios(.text)
    #expect((2.2...4).contains(text.zstd) && (1.5...2.5).contains(text.lz4), "text \(text)")
    let code = try ratios(.code)
    #expect((1.5...3).contains(code.zstd) && (1.3...2.2).contains(code.lz4), "code \(code)")
    let mixed = try ratios(.mixed)
    #expect(mixed.zstd > 1.5 && mixed.zstd < text.zstd, "mixed \(mixed)")
    let sparse = try ratios(.mostlyZero)
    #expect(sparse.zstd > 10, "mostly-zero \(sparse)")
    let files = try ratios(.files)
    #expect(files.zstd > 1.3 && files.zstd < 10, "files \(files)")
  }

  /// `files` pages are the machine's files, in the corpus' order from the file the seed
  /// picks, 8 KiB at a time, at most 256 KiB of each, the last piece padded with zeros.
  @Test func filePagesAreTheFilesBytes() throws {
    let sources = ContentProfile.fileSources
    try #require(!sources.isEmpty, "no library or shared data found under /usr")
    let seed: UInt64 = 11
    let memory = filled(.files, bytes: 8 << 20, seed: seed)
    var expected: [[UInt8]] = []
    var index = Int(seed % UInt64(sources.count))
    while expected.count < 256 {
      if let handle = FileHandle(forReadingAtPath: sources[index]) {
        let data = handle.readData(ofLength: 256 << 10)
        try? handle.close()
        for start in stride(from: 0, to: data.count, by: GuestMemory.pageSize) {
          var page = [UInt8](data[start..<min(start + GuestMemory.pageSize, data.count)])
          page += [UInt8](repeating: 0, count: GuestMemory.pageSize - page.count)
          expected.append(page)
        }
      }
      index = (index + 1) % sources.count
    }
    for page in 0..<256 {
      let bytes = try #require(memory.bytes(ofPage: page))
      #expect(memcmp(bytes, expected[page], GuestMemory.pageSize) == 0, "page \(page)")
    }
  }

  /// A write stores one to four consecutive cache lines of the profile's content: part of a
  /// page, never the whole page nor one word.
  @Test(arguments: ContentProfile.allCases)
  func aWriteChangesAFewCacheLines(profile: ContentProfile) throws {
    var workload = Workload.web
    workload.content = profile
    let host = try Host(
      name: "h",
      cpu: HostCPU(type: "SPARC-T4", mhz: 2548, stickFrequency: 1, strands: 8, strandsPerChip: 8),
      os: .solaris11, managerVersion: ManagerVersion(major: 3, minor: 1), memory: 1 << 30)
    try host.addDomain("g", vcpus: 1, memory: 64 << 20, workload: workload, bootFill: 1)
    try host.bind("g")
    try host.start("g")
    let domain = try #require(host.domain(named: "g"))
    let memory = try #require(domain.memory)
    var before: [[UInt8]] = []
    for page in 0..<memory.pageCount {
      let bytes = try #require(memory.bytes(ofPage: page))
      before.append([UInt8](UnsafeRawBufferPointer(start: bytes, count: GuestMemory.pageSize)))
    }
    let written = domain.runRecordingWrites(seconds: 0.05)
    #expect(written.count == 140)
    var lineCounts: [Int] = []
    for page in Set(written) where written.filter({ $0 == page }).count == 1 {
      let bytes = try #require(memory.bytes(ofPage: page)).assumingMemoryBound(to: UInt8.self)
      let changed = (0..<(GuestMemory.pageSize / 64)).filter { line in
        (line * 64..<(line * 64 + 64)).contains { bytes[$0] != before[page][$0] }
      }
      #expect(changed.count <= 4)
      if let first = changed.first, let last = changed.last {
        #expect(last - first < 4, "lines \(changed) of page \(page)")
      }
      #expect(!memory.isZero(page: page))
      lineCounts.append(changed.count)
    }
    // Over many writes, stores of more than one line, and more than one word.
    #expect(lineCounts.contains { $0 >= 2 })
  }

  /// Writes of every profile stay inside the footprint, and leave every written page non-zero.
  @Test(arguments: ContentProfile.allCases)
  func writesOfEveryProfileStayInTheFootprint(profile: ContentProfile) throws {
    var workload = Workload.stress
    workload.content = profile
    let host = try Host(
      name: "h",
      cpu: HostCPU(type: "SPARC-T4", mhz: 2548, stickFrequency: 1, strands: 8, strandsPerChip: 8),
      os: .solaris11, managerVersion: ManagerVersion(major: 3, minor: 1), memory: 1 << 30)
    try host.addDomain("g", vcpus: 1, memory: 64 << 20, workload: workload, bootFill: 0)
    try host.bind("g")
    try host.start("g")
    let domain = try #require(host.domain(named: "g"))
    let memory = try #require(domain.memory)
    let layout = workload.layout(pageCount: memory.pageCount)
    var written = Set(domain.runRecordingWrites(seconds: 0.2))
    written.formUnion(domain.runRecordingWrites(seconds: 3_600))
    #expect(written.allSatisfy(layout.contains))
    #expect((0..<memory.pageCount).filter(memory.isResident).allSatisfy(layout.contains))
    #expect(written.allSatisfy { !memory.isZero(page: $0) })
  }
}
