#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a workload against a domain's memory: real stores, real dirty bits.
///
/// The real cost follows the pages the guest touches, not the time simulated. A short span
/// runs write by write. A span with more writes due than the footprint has pages would only
/// write most of those pages many times over, so it touches each footprint page once, with
/// the chance that so many writes leave it untouched, and costs one pass over the footprint
/// however long it is.
struct WorkloadRunner: Sendable {
  private var random: DeterministicRandom
  /// Writes due but not yet done: the fraction of a write left over from the last span.
  private var carry = 0.0

  init(seed: UInt64) {
    random = DeterministicRandom(seed: seed)
  }

  /// Performs the writes due in `seconds` at `(1 - throttle)` of the workload's rate.
  /// Returns the pages written, in order (with repeats), when `record` is set.
  mutating func run(
    _ workload: Workload, on memory: GuestMemory, seconds: Double, throttle: Double,
    record: Bool = false
  ) -> [Int] {
    guard memory.pageCount > 0, seconds > 0, seconds.isFinite else { return [] }
    owe(workload, seconds: seconds, throttle: throttle)
    return settle(workload, on: memory, record: record)
  }

  /// Counts the writes due in `seconds` without making them yet.
  mutating func owe(_ workload: Workload, seconds: Double, throttle: Double) {
    guard seconds > 0, seconds.isFinite else { return }
    let rate = workload.pagesPerSecond * (1 - min(max(throttle, 0), 1))
    guard rate > 0, rate.isFinite else { return }
    // In Double: rate × seconds of a 100000-hour span is far beyond what any count holds.
    carry += rate * seconds
  }

  /// Whether the writes owed reach `footprints` times the footprint's pages.
  func owes(footprints: Double, of workload: Workload, on memory: GuestMemory) -> Bool {
    carry >= footprints * Double(workload.layout(pageCount: memory.pageCount).footprintPages)
  }

  /// Makes the writes owed.
  mutating func settle(_ workload: Workload, on memory: GuestMemory, record: Bool = false)
    -> [Int]
  {
    guard memory.pageCount > 0, carry >= 1 else { return [] }
    let layout = workload.layout(pageCount: memory.pageCount)
    if carry > Double(layout.footprintPages) {
      let due = carry
      carry = 0
      return touchFootprint(
        layout, writes: due, hotWriteFraction: workload.hotWriteFraction, on: memory,
        content: workload.content, record: record)
    }
    let writes = Int(carry)
    carry -= Double(writes)
    let content = workload.content
    var written: [Int] = []
    if record { written.reserveCapacity(writes) }
    for _ in 0..<writes {
      let page: Int
      if random.nextUnit() < workload.hotWriteFraction {
        page = layout.hotPage(random.next(below: layout.hotPages))
      } else {
        page = layout.footprintPage(random.next(below: layout.footprintPages))
      }
      write(page, on: memory, content: content)
      if record { written.append(page) }
    }
    return written
  }

  /// The end state of `writes` writes without doing them one by one: each footprint page is
  /// written once, unless it is one that so many writes would have missed (drawn with the
  /// exact chance of a miss, so the number of pages dirtied is the one write by write gives).
  private mutating func touchFootprint(
    _ layout: WriteLayout, writes: Double, hotWriteFraction: Double, on memory: GuestMemory,
    content: ContentProfile, record: Bool
  ) -> [Int] {
    let hot = min(max(hotWriteFraction, 0), 1)
    let coldChance = (1 - hot) / Double(layout.footprintPages)
    let hotChance = hot / Double(layout.hotPages) + coldChance
    let coldMiss = Self.missChance(perWrite: coldChance, writes: writes)
    let hotMiss = Self.missChance(perWrite: hotChance, writes: writes)
    var written: [Int] = []
    var nextHotRun = 0
    for index in 0..<layout.footprintPages {
      let hot = layout.isHot(footprintIndex: index, nextHotRun: &nextHotRun)
      let miss = hot ? hotMiss : coldMiss
      guard miss < 1 else { continue }
      let page = layout.footprintPage(index)
      if miss > 0, random.nextUnit() < miss { continue }
      write(page, on: memory, content: content)
      if record { written.append(page) }
    }
    return written
  }

  /// The chance that none of `writes` writes lands on a page each one hits with `chance`.
  static func missChance(perWrite chance: Double, writes: Double) -> Double {
    guard chance > 0 else { return 1 }
    guard chance < 1 else { return 0 }
    return exp(writes * log1p(-chance))
  }

  /// One guest store into `page`: a few cache lines of the profile's content.
  private mutating func write(_ page: Int, on memory: GuestMemory, content: ContentProfile) {
    content.write(into: memory.storageForGuestWrite(ofPage: page), page: page, random: &random)
  }
}
