import Crypto
import Hypervisor
import Migration
import Testing

/// Protocol version 2 computes the hand-off digest in stripes on the machine's cores (the
/// digest is part of the downtime); version 1's peers still get version 1's digest.
@Suite struct DigestVersionTests {
  /// 128 MiB, sparse: past the size from which the stripes are hashed on several threads.
  static func memory(marking pages: [Int]) -> GuestMemory {
    let memory = GuestMemory(byteCount: 16_384 * 8192)
    for page in pages { memory.store(UInt64(page) &* 0x9E37_79B9 | 1, page: page, wordOffset: 5) }
    return memory
  }

  /// Version 2's digest as docs/protocol.md defines it, one page at a time on this thread.
  static func definition(_ memory: GuestMemory, cpuState: [[UInt8]]) -> [UInt8] {
    var outer = SHA256()
    var count = UInt64(memory.pageCount).littleEndian
    withUnsafeBytes(of: &count) { outer.update(bufferPointer: $0) }
    for stripe in 0..<16 {
      var inner = SHA256()
      let range =
        (memory.pageCount * stripe / 16)..<(memory.pageCount * (stripe + 1) / 16)
      for page in range {
        guard let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
          continue
        }
        var index = UInt64(page).littleEndian
        withUnsafeBytes(of: &index) { inner.update(bufferPointer: $0) }
        inner.update(bufferPointer: UnsafeRawBufferPointer(start: bytes, count: 8192))
      }
      outer.update(data: Array(inner.finalize()))
    }
    for vcpu in cpuState {
      var length = UInt64(vcpu.count).littleEndian
      withUnsafeBytes(of: &length) { outer.update(bufferPointer: $0) }
      outer.update(data: vcpu)
    }
    return Array(outer.finalize())
  }

  @Test func theStripedDigestIsItsDefinitionWhateverTheThreads() {
    // Pages in the first, a middle and the last stripe, and at the stripes' edges.
    let memory = Self.memory(marking: [0, 1, 1023, 1024, 8191, 8192, 16_383])
    let state = [[UInt8](repeating: 7, count: 64), [UInt8](repeating: 9, count: 64)]
    let digest = MigrationDigest.sha256(memory, cpuState: state, version: 2)
    #expect(digest == Self.definition(memory, cpuState: state))
    #expect(digest != MigrationDigest.sha256(memory, cpuState: state, version: 1))
  }

  @Test(arguments: [1, 2]) func eachVersionSeesAChangedPageAndNotAStoredZero(version: Int) {
    let a = Self.memory(marking: [3, 9000])
    let b = Self.memory(marking: [3, 9000])
    b.store(0, page: 12_000, wordOffset: 0)  // storage, but all zeros
    #expect(
      MigrationDigest.sha256(a, version: version) == MigrationDigest.sha256(b, version: version))
    b.store(1, page: 12_000, wordOffset: 0)
    #expect(
      MigrationDigest.sha256(a, version: version) != MigrationDigest.sha256(b, version: version))
  }

  /// A source that speaks only version 1 is answered in version 1 (and so compared with
  /// version 1's digest); one that speaks 2 gets 2.
  @Test func theDestinationChoosesTheHighestVersionBothSpeak() throws {
    func chosen(_ versions: ClosedRange<Int>) throws -> Int {
      try helloAccepted(
        for: Hello(
          versions: versions, purpose: .migrate, sourceHost: "sparc-t4-a",
          targetHost: "sparc-t4-b", migration: 1)
      ).version
    }
    #expect(try chosen(1...1) == 1)
    #expect(try chosen(1...2) == 2)
    #expect(try chosen(2...5) == 2)
  }
}
