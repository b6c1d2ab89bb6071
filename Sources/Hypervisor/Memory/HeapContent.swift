#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Heap data as a SPARC kernel's or program's allocator leaves it: a page of one slab cache
/// holds objects of one layout side by side, as Solaris' kmem caches do. An object is a run of
/// big-endian 64-bit fields: pointers into one 64 MiB region (shared high bits, 16-byte
/// aligned), small integers (counts, states, lengths), zeros, flags, sizes, rising
/// timestamps, short strings and hashes. One object in eight is free: a free-list link and
/// zeros.
///
/// Compressors find the zeros and the repeated high bits of pointers and integers, but the
/// low bits of each pointer and counter are new: heap pages compress, not to nothing.
enum HeapContent {
  enum Field: UInt8 {
    case zero, pointer, small, flags, size, time, text, hash
  }

  /// 48 object layouts of 2 to 16 fields, the same in every run.
  static let layouts: [[Field]] = {
    var random = DeterministicRandom(seed: 0x4EA9)
    // Field kinds by share: pointers and small integers dominate, as in real structures.
    let kinds: [Field] = [
      .pointer, .pointer, .pointer, .pointer, .pointer, .small, .small, .small, .small, .zero,
      .zero, .zero, .zero, .flags, .flags, .size, .time, .text, .hash, .pointer,
    ]
    return (0..<48).map { _ in
      (0..<(2 + random.next(below: 15))).map { _ in kinds[random.next(below: kinds.count)] }
    }
  }()

  /// Fills a whole page with objects of one layout; the bytes after the last whole object
  /// are zeros.
  static func fillPage(_ page: UnsafeMutableRawPointer, random: inout DeterministicRandom) {
    let end = emit(into: page, from: 0, to: GuestMemory.pageSize, random: &random, cut: false)
    memset(page + end, 0, GuestMemory.pageSize - end)
  }

  /// A mostly-zero page: zeros but for one to six objects at cache-line offsets, as a page of
  /// a fresh heap, a page table or a mostly empty buffer is.
  static func fillSparsePage(_ page: UnsafeMutableRawPointer, random: inout DeterministicRandom) {
    memset(page, 0, GuestMemory.pageSize)
    let objects = 1 + random.next(below: 6)
    for _ in 0..<objects {
      let line = random.next(below: GuestMemory.pageSize / 64 - 1)
      writeLines(into: page, from: line * 64, to: line * 64 + 128, random: &random)
    }
  }

  /// Writes objects over `from ..< to` (a guest store of a few cache lines); the first word
  /// is never zero, so the store always leaves a mark.
  static func writeLines(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom
  ) {
    let written = emit(into: page, from: start, to: end, random: &random, free: false, cut: true)
    memset(page + written, 0, end - written)
    if page.load(fromByteOffset: start, as: UInt64.self) == 0 {
      page.storeBytes(of: UInt64(1).bigEndian, toByteOffset: start, as: UInt64.self)
    }
  }

  /// 256 KiB of heap pages, made once: what guest stores copy their lines from.
  static let storePool: [UInt8] = {
    var random = DeterministicRandom(seed: 0x5701_E001)
    var bytes = [UInt8](repeating: 0, count: 32 * GuestMemory.pageSize)
    bytes.withUnsafeMutableBytes { buffer in
      for page in stride(from: 0, to: buffer.count, by: GuestMemory.pageSize) {
        fillPage(buffer.baseAddress! + page, random: &random)
      }
    }
    return bytes
  }()

  /// A guest store over `from ..< to` (whole cache lines): lines of heap objects copied from
  /// the pool, with new low bits in the first word, as a store of a counter or a pointer
  /// leaves. A batch of pages seldom holds the same pool line twice (a few hundred lines
  /// drawn from 4096), so what compresses in dirtied pages is the heap's own redundancy. The
  /// first word is never zero, so the store always leaves a mark.
  static func store(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom
  ) {
    let length = end - start
    let origin = random.next(below: (storePool.count - length) / 64 + 1) * 64
    storePool.withUnsafeBytes { source in
      _ = memcpy(page + start, source.baseAddress! + origin, length)
    }
    var first = page.load(fromByteOffset: start, as: UInt64.self)
    first ^= (random.next() & 0xFFFF).bigEndian
    if first == 0 { first = UInt64(1).bigEndian }
    page.storeBytes(of: first, toByteOffset: start, as: UInt64.self)
  }

  /// Writes objects of a layout the draw picks from `start`, some of them `free`, the last one
  /// `cut` at `end` or left out when it does not fit; returns where they end.
  private static func emit(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom, free: Bool = true, cut: Bool
  ) -> Int {
    let flagValues = Self.flagValues
    let table = TextContent.table
    let shape = random.next()
    let layout = layouts[Int(shape % UInt64(layouts.count))]
    // Above 4 GiB, one of 64 regions of 64 MiB: the pointers of a page share their high bits.
    let base: UInt64 = 0x1_0000_0000 | ((shape >> 8) & 0x3F) << 26
    var time: UInt64 = 0x0015_3000_0000_0000 | ((shape >> 16) & 0xFFFF_FFFF) << 12
    let objectBytes = layout.count * 8
    var cursor = start
    while cursor + (cut ? 8 : objectBytes) <= end {
      let isFree = free && random.next() & 7 == 0
      for (index, field) in layout.enumerated() {
        let offset = cursor + index * 8
        guard offset + 8 <= end else { break }
        let value: UInt64
        if isFree {
          value = index == 0 ? base | (random.next() & 0x3FF_FFF0) : 0
        } else {
          let bits = random.next()
          switch field {
          case .zero: value = 0
          case .pointer: value = base | (bits & 0x3FF_FFF0)
          case .small: value = bits & 7 == 0 ? (bits >> 3) & 0xFFFF : (bits >> 3) & 0xFF
          case .flags: value = flagValues[Int(bits % UInt64(flagValues.count))]
          case .size: value = ((bits & 0x3FF) + 1) << 3
          case .time:
            time &+= bits & 0xFFFF
            value = time
          case .text: value = textWord(bits, table: table)
          case .hash: value = bits
          }
        }
        page.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
      }
      cursor += objectBytes
    }
    return min(cursor, end)
  }

  /// The few values a flags field takes.
  private static let flagValues: [UInt64] = [1, 3, 0x8000_0001, 0x11, 0, 0x100]

  /// Eight bytes of a word and spaces, as a short name stored in a structure.
  @inline(__always)
  private static func textWord(_ bits: UInt64, table: [UInt64]) -> UInt64 {
    let word = table[Int(bits & 0x1FFF)]
    let length = word >> 56
    // Stored big-endian, so the string reads in order: swap the little-endian packing.
    return (word & 0xFF_FFFF_FFFF_FFFF | 0x2020_2020_2020_2020 << (8 * length)).byteSwapped
  }
}
