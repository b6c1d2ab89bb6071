import Hypervisor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The pages a source sent again, as it sent them, so that the next time one goes as its
/// difference from that version (QEMU's XBZRLE page cache). Bounded by its size: a page takes
/// a slot only from one that went in neither this pass nor the last. A guest that writes more
/// pages per pass than the cache holds thus keeps hitting on those it holds, where a cache
/// that always makes room would, pass after pass, have thrown each page out before it came
/// back.
///
/// QEMU caches pages from the second pass on: the first sends every page once, and caching all
/// of memory to find the few that come back would cost a copy of everything. This cache also
/// takes, in the first pass, the pages the guest has written since the pass began: those are
/// sure to go again in the second, often unchanged since, and then as a few bytes.
///
/// The engine thread reserves a slot for each page of a turn before the channels' threads
/// encode; a thread then reads and writes only the slots of its own pages, and a slot reserved
/// in a turn is not given to another page until the next. So the threads share no slot.
final class XBZRLECache {
  /// A page's slot for this turn, and whether it holds the version the destination has.
  struct Reservation {
    let slot: Int
    let hasPrevious: Bool
  }

  let slotCount: Int
  private let storage: UnsafeMutableRawPointer
  private let storageBytes: Int
  private var slotOfPage: [Int: Int] = [:]
  private var pageOfSlot: [Int]
  /// Whether each slot holds the last version of its page that was sent: written by the thread
  /// that encodes the slot's page, read by the engine thread after the turn.
  private let valid: UnsafeMutablePointer<Bool>
  /// The pass in which each slot's page last went.
  private var lastUsed: [Int]
  private var pass = 0
  /// The pass in which a search found every slot in use: none frees up before the next.
  private var fullInPass = -1
  private var hand = 0

  /// A cache of `bytes` (at least one page's worth is kept). Its memory is mapped lazily: a
  /// slot costs nothing until a page is put in it.
  init(bytes: UInt64) {
    slotCount = max(1, Int(min(bytes, 1 << 40) / UInt64(GuestMemory.pageSize)))
    storageBytes = slotCount * GuestMemory.pageSize
    guard
      let mapped = mmap(
        nil, storageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      mapped != MAP_FAILED
    else {
      fatalError("out of memory mapping an XBZRLE cache of \(storageBytes) bytes")
    }
    storage = mapped
    pageOfSlot = Array(repeating: -1, count: slotCount)
    lastUsed = Array(repeating: 0, count: slotCount)
    valid = .allocate(capacity: slotCount)
    valid.initialize(repeating: false, count: slotCount)
  }

  deinit {
    munmap(storage, storageBytes)
    valid.deallocate()
  }

  /// Starts a turn of pass `pass` (the final copy counts as the pass after the last).
  func beginTurn(pass: Int) {
    self.pass = pass
  }

  /// The slot of `page` for this turn: its own if it has one, else a free one or one whose
  /// page went in neither this pass nor the last. Nil when there is none (the page then goes
  /// whole, uncached). A slot reserved in a turn is never given to another page in it.
  func reserve(_ page: Int) -> Reservation? {
    if let slot = slotOfPage[page] {
      lastUsed[slot] = pass
      return Reservation(slot: slot, hasPrevious: valid[slot])
    }
    guard fullInPass != pass else { return nil }
    for _ in 0..<slotCount {
      let slot = hand
      hand = (hand + 1) % slotCount
      let owner = pageOfSlot[slot]
      guard owner < 0 || lastUsed[slot] < pass - 1 else { continue }
      if owner >= 0 { slotOfPage[owner] = nil }
      pageOfSlot[slot] = page
      slotOfPage[page] = slot
      lastUsed[slot] = pass
      valid[slot] = false
      return Reservation(slot: slot, hasPrevious: false)
    }
    fullInPass = pass
    return nil
  }

  /// The 8 KiB of a slot.
  func bytes(of slot: Int) -> UnsafeMutableRawPointer {
    storage + slot * GuestMemory.pageSize
  }

  /// Records what the destination now holds of the slot's page: `contents` (nil: nothing the
  /// next version can be encoded against, as after a zero page).
  func store(_ contents: UnsafeRawPointer?, in slot: Int) {
    if let contents {
      bytes(of: slot).copyMemory(from: contents, byteCount: GuestMemory.pageSize)
    }
    valid[slot] = contents != nil
  }

  /// Forgets what the destination held of `page`, which was just sent as a zero page (engine
  /// thread only, outside a turn's encoding).
  func invalidate(_ page: Int) {
    if let slot = slotOfPage[page] { valid[slot] = false }
  }

  /// Bytes the cache may hold.
  var capacityBytes: UInt64 { UInt64(storageBytes) }
}

extension XBZRLECache {
  /// Appends a non-zero page with a slot, or one sent again: as its difference when
  /// `reservation`'s slot holds the version the destination has and the difference is shorter
  /// than the page, whole otherwise. The slot then holds this version. A page sent for the
  /// first time (`again` false) is no miss.
  func append(
    page: Int, contents: UnsafeRawPointer, reservation: Reservation?, again: Bool,
    to batch: inout PageBatchWriter, counting figures: inout XBZRLEFigures
  ) {
    guard let reservation else {
      batch.append(page: page, bytes: contents)
      if again { figures.misses += 1 }
      return
    }
    if !reservation.hasPrevious {
      batch.append(page: page, bytes: contents)
      if again { figures.misses += 1 }
    } else if let encoded = batch.appendDelta(
      page: page, old: bytes(of: reservation.slot), new: contents)
    {
      figures.pages += 1
      figures.bytes += UInt64(PageRecord.deltaHeaderBytes + encoded)
    } else {
      batch.append(page: page, bytes: contents)
      figures.overflows += 1
    }
    store(contents, in: reservation.slot)
  }
}
