#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A domain's memory: real bytes in 8 KiB pages (SPARC's base page size), allocated sparsely.
///
/// A page that was never written has no storage and reads as zeros, so a 64 GiB domain that
/// touched 1 GiB costs 1 GiB (plus an 8-byte table entry per page, itself lazily zero-filled
/// by the kernel). Pages come from 2 MiB slabs to keep allocation off the migration hot path.
///
/// Not thread-safe: a domain's memory belongs to the thread that runs its host.
public final class GuestMemory {
  /// SPARC's base page size.
  public static let pageSize = 8192
  static let pagesPerSlab = 256

  public let pageCount: Int
  public var byteCount: UInt64 { UInt64(pageCount) * UInt64(Self.pageSize) }

  /// Pages written since the log was last harvested.
  public var dirty: DirtyBitmap

  /// Pages that have storage (were written at least once).
  public private(set) var residentPages = 0

  private let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  private var slabs: [UnsafeMutableRawPointer] = []
  private var slabPagesUsed = GuestMemory.pagesPerSlab

  public init(byteCount: UInt64) {
    precondition(byteCount % UInt64(Self.pageSize) == 0, "memory must be whole pages")
    pageCount = Int(byteCount / UInt64(Self.pageSize))
    tableBytes = max(pageCount, 1) * MemoryLayout<UnsafeMutableRawPointer?>.stride
    table = Self.mapZeroed(tableBytes).bindMemory(
      to: UnsafeMutableRawPointer?.self, capacity: max(pageCount, 1))
    dirty = DirtyBitmap(pageCount: pageCount)
  }

  deinit {
    for slab in slabs { munmap(slab, Self.slabBytes) }
    munmap(UnsafeMutableRawPointer(table), tableBytes)
  }

  private let tableBytes: Int
  private static let slabBytes = pagesPerSlab * pageSize

  /// Anonymous memory straight from the kernel: zero-filled and lazily backed, so untouched
  /// pages cost nothing. (calloc would do the same only until glibc's adaptive mmap threshold
  /// moves large blocks to the heap, where calloc must clear them and RSS never shrinks.)
  private static func mapZeroed(_ bytes: Int) -> UnsafeMutableRawPointer {
    guard
      let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      address != MAP_FAILED
    else {
      fatalError("out of memory mapping \(bytes) bytes of guest memory")
    }
    return address
  }

  /// Whether the page has storage. A page without storage is all zeros.
  @inline(__always)
  public func isResident(_ page: Int) -> Bool { table[page] != nil }

  /// The page's bytes for reading, or nil when the page was never written (all zeros).
  @inline(__always)
  public func bytes(ofPage page: Int) -> UnsafeRawPointer? {
    UnsafeRawPointer(table[page])
  }

  /// The storage of a page that has some, to change in place (a migration target applying a
  /// difference); nil for a page never written. Does not mark the page dirty.
  @inline(__always)
  public func existingStorage(ofPage page: Int) -> UnsafeMutableRawPointer? { table[page] }

  /// Storage for a page that the caller will overwrite whole; allocated on first use.
  /// Does not mark the page dirty: it is how a migration target receives a page.
  @inline(__always)
  public func storageForOverwrite(ofPage page: Int) -> UnsafeMutableRawPointer {
    if let existing = table[page] { return existing }
    let fresh = allocatePage()
    table[page] = fresh
    return fresh
  }

  /// Storage for a guest write: allocated zero-filled on first use, and marked dirty.
  @inline(__always)
  public func storageForGuestWrite(ofPage page: Int) -> UnsafeMutableRawPointer {
    dirty.set(page)
    if let existing = table[page] { return existing }
    // Slabs come zeroed from the kernel, so no memset is needed.
    let fresh = allocatePage()
    table[page] = fresh
    return fresh
  }

  /// Writes one 64-bit word into a page, as a guest store does; marks the page dirty.
  @inline(__always)
  public func store(_ value: UInt64, page: Int, wordOffset: Int) {
    let storage = storageForGuestWrite(ofPage: page)
    storage.storeBytes(of: value, toByteOffset: wordOffset * 8, as: UInt64.self)
  }

  /// Reads one 64-bit word (zero for a page without storage).
  public func load(page: Int, wordOffset: Int) -> UInt64 {
    guard let storage = table[page] else { return 0 }
    return storage.load(fromByteOffset: wordOffset * 8, as: UInt64.self)
  }

  /// Zeroes a page that has storage (a zero-page marker arriving at a migration target).
  @inline(__always)
  public func zeroPage(_ page: Int) {
    if let storage = table[page] { memset(storage, 0, Self.pageSize) }
  }

  /// Whether a page reads as all zeros, looking at its bytes when it has storage.
  @inline(__always)
  public func isZero(page: Int) -> Bool {
    guard let storage = table[page] else { return true }
    return Self.isZeroPage(UnsafeRawPointer(storage))
  }

  /// Whether 8 KiB at `bytes` are all zero; stops at the first non-zero word.
  @inline(__always)
  public static func isZeroPage(_ bytes: UnsafeRawPointer) -> Bool {
    let words = bytes.assumingMemoryBound(to: UInt64.self)
    var index = 0
    while index < pageSize / 8 {
      // Eight words at a time lets the compiler vectorise the or-reduction.
      let chunk =
        words[index] | words[index + 1] | words[index + 2] | words[index + 3]
        | words[index + 4] | words[index + 5] | words[index + 6] | words[index + 7]
      if chunk != 0 { return false }
      index += 8
    }
    return true
  }

  /// Fills about `fraction` of the pages with deterministic content of the profile, as a
  /// booted guest's kernel, caches and heap would. Marks them dirty.
  public func fill(fraction: Double, seed: UInt64, content: ContentProfile = .random) {
    guard fraction > 0, pageCount > 0 else { return }
    var filler = ContentFiller(profile: content, seed: seed)
    defer { filler.finish() }
    let chosen = min(pageCount, Int((Double(pageCount) * min(fraction, 1)).rounded()))
    // Whole runs of pages, like real allocations, chosen at stable positions.
    let runLength = 64
    let runs = (chosen + runLength - 1) / runLength
    let slots = max(1, pageCount / runLength)
    var remaining = chosen
    for run in 0..<runs where remaining > 0 {
      let slot = runs >= slots ? run % slots : run * slots / runs
      let start = slot * runLength
      let length = min(runLength, remaining, pageCount - start)
      for page in start..<(start + length) {
        let fresh = !isResident(page)
        filler.fill(storageForGuestWrite(ofPage: page), index: page, fresh: fresh)
      }
      remaining -= length
    }
  }

  /// A slab on a 2 MiB boundary, advised as a huge page where the kernel offers them (as QEMU
  /// advises guest RAM): a page's first write then faults in its whole slab at once, instead
  /// of 512 faults of 4 KiB. A migration target fills its memory at the speed of the link,
  /// and the faults were a third of its CPU. Slabs are filled page after page, so at most the
  /// last slab of a domain holds more than its pages need.
  private static func mapSlab() -> UnsafeMutableRawPointer {
    let span = 2 * slabBytes
    let mapped = mapZeroed(span)
    let address = UInt(bitPattern: mapped)
    let aligned = (address + UInt(slabBytes - 1)) & ~UInt(slabBytes - 1)
    let head = Int(aligned - address)
    if head > 0 { munmap(mapped, head) }
    let slab = UnsafeMutableRawPointer(bitPattern: aligned)!
    let tail = span - head - slabBytes
    if tail > 0 { munmap(slab + slabBytes, tail) }
    #if os(Linux)
      // Refused where transparent huge pages are off: the slab is then 4 KiB pages, as before.
      _ = madvise(slab, slabBytes, MADV_HUGEPAGE)
    #endif
    return slab
  }

  private func allocatePage() -> UnsafeMutableRawPointer {
    if slabPagesUsed == Self.pagesPerSlab {
      slabs.append(Self.mapSlab())
      slabPagesUsed = 0
    }
    let page = slabs[slabs.count - 1] + slabPagesUsed * Self.pageSize
    slabPagesUsed += 1
    residentPages += 1
    return page
  }
}
