/// Where a workload's writes land in one domain's memory. The footprint is runs of 64 pages
/// (512 KiB) spread evenly over the memory, as a guest's allocator scatters its heap and
/// caches over physical memory; the hot set is runs spread evenly over the footprint's.
///
/// Pages are named by their index in the footprint (or the hot set) and mapped to memory in
/// constant time, so a write costs the same whatever the layout.
public struct WriteLayout: Sendable, Equatable {
  public static let runLength = 64

  public let pageCount: Int
  public let footprintPages: Int
  public let hotPages: Int
  /// Places for a run in memory.
  private let slots: Int
  private let footprintRuns: Int
  private let hotRuns: Int

  init(pageCount: Int, footprintPages: Int, hotPages: Int) {
    // A memory of no pages has no footprint and no hot set; any other has both.
    precondition(0 <= hotPages && hotPages <= footprintPages && footprintPages <= pageCount)
    self.pageCount = pageCount
    self.footprintPages = footprintPages
    self.hotPages = hotPages
    slots = pageCount / Self.runLength
    footprintRuns = (footprintPages + Self.runLength - 1) / Self.runLength
    hotRuns = (hotPages + Self.runLength - 1) / Self.runLength
  }

  /// A footprint that has a run for (nearly) every place is the start of memory, whole.
  private var isContiguous: Bool { footprintRuns >= slots }

  /// The footprint page of index `index` (`0 ..< footprintPages`), in ascending order.
  @inline(__always)
  public func footprintPage(_ index: Int) -> Int {
    if isContiguous { return index }
    let slot = (index >> 6) * slots / footprintRuns
    return slot << 6 | (index & 63)
  }

  /// The hot page of index `index` (`0 ..< hotPages`): its run is one of the footprint's,
  /// evenly chosen, and never the footprint's last, partial run unless all runs are hot.
  @inline(__always)
  public func hotPage(_ index: Int) -> Int {
    footprintPage(hotRun(index >> 6) << 6 | (index & 63))
  }

  /// The footprint run that holds hot run `run`.
  @inline(__always)
  func hotRun(_ run: Int) -> Int { run * footprintRuns / hotRuns }

  /// Whether the footprint index `index` is a hot page; `nextHotRun` is the first hot run not
  /// yet passed, for callers that walk the footprint in order.
  @inline(__always)
  func isHot(footprintIndex index: Int, nextHotRun: inout Int) -> Bool {
    let run = index >> 6
    while nextHotRun < hotRuns, hotRun(nextHotRun) < run { nextHotRun += 1 }
    guard nextHotRun < hotRuns, hotRun(nextHotRun) == run else { return false }
    return nextHotRun << 6 | (index & 63) < hotPages
  }

  /// Every page the workload can write, ascending.
  public var footprint: [Int] { (0..<footprintPages).map(footprintPage) }
  /// The pages that take the hot writes, ascending.
  public var hotSet: [Int] { (0..<hotPages).map(hotPage).sorted() }

  /// Whether the workload can write `page`.
  public func contains(_ page: Int) -> Bool {
    guard page >= 0, page < pageCount else { return false }
    if isContiguous { return page < footprintPages }
    let slot = page >> 6
    // The run placed at `slot`, if any: the smallest run whose place is not below it.
    let run = (slot * footprintRuns + slots - 1) / slots
    return run < footprintRuns && run * slots / footprintRuns == slot
      && run << 6 | (page & 63) < footprintPages
  }
}
