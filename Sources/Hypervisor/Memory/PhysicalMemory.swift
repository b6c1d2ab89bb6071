/// A host's physical memory as free and used ranges, with a real allocator.
///
/// Migration pre-checks need more than a total: every memory block of the domain needs a free
/// range of its own size, so a fragmented host can refuse a domain it has room for in total.
public struct PhysicalMemory: Sendable, Equatable {
  /// A half-open physical range `[start, start + size)`.
  public struct Range: Sendable, Equatable, Hashable, Codable {
    public var start: UInt64
    public var size: UInt64
    public var end: UInt64 { start + size }
    public init(start: UInt64, size: UInt64) {
      self.start = start
      self.size = size
    }
  }

  /// Allocation granularity: ldm binds memory in 4 MiB multiples at 4 MiB alignment.
  public static let granule: UInt64 = 4 * ByteSize.mebibyte

  public let total: UInt64
  /// Free ranges, sorted by start and coalesced.
  public private(set) var free: [Range]

  public init(total: UInt64) {
    self.total = total
    free = total > 0 ? [Range(start: 0, size: total)] : []
  }

  public var freeBytes: UInt64 { free.reduce(0) { $0 + $1.size } }
  public var usedBytes: UInt64 { total - freeBytes }
  public var largestFreeRange: UInt64 { free.map(\.size).max() ?? 0 }

  /// Allocates `size` bytes from the smallest free range that holds them (best fit keeps
  /// large ranges whole for large blocks). Returns the physical address.
  public mutating func allocate(_ size: UInt64) -> UInt64? {
    guard size > 0 else { return nil }
    var best: Int?
    for (index, range) in free.enumerated() where range.size >= size {
      if best == nil || range.size < free[best!].size { best = index }
    }
    guard let index = best else { return nil }
    let start = free[index].start
    free[index].start += size
    free[index].size -= size
    if free[index].size == 0 { free.remove(at: index) }
    return start
  }

  /// Takes an exact range out of the free list; false when any part of it is not free.
  public mutating func reserve(_ range: Range) -> Bool {
    guard range.size > 0,
      let index = free.firstIndex(where: { $0.start <= range.start && range.end <= $0.end })
    else { return false }
    let container = free[index]
    var pieces: [Range] = []
    if container.start < range.start {
      pieces.append(Range(start: container.start, size: range.start - container.start))
    }
    if range.end < container.end {
      pieces.append(Range(start: range.end, size: container.end - range.end))
    }
    free.replaceSubrange(index...index, with: pieces)
    return true
  }

  /// Returns a range to the free list, merging it with its neighbours.
  public mutating func release(_ range: Range) {
    guard range.size > 0 else { return }
    precondition(range.end <= total, "released range beyond physical memory")
    let index = free.firstIndex(where: { $0.start > range.start }) ?? free.endIndex
    precondition(
      (index == free.startIndex || free[index - 1].end <= range.start)
        && (index == free.endIndex || range.end <= free[index].start),
      "released range overlaps free memory: accounting error")
    free.insert(range, at: index)
    if index + 1 < free.count, free[index].end == free[index + 1].start {
      free[index].size += free[index + 1].size
      free.remove(at: index + 1)
    }
    if index > 0, free[index - 1].end == free[index].start {
      free[index - 1].size += free[index].size
      free.remove(at: index)
    }
  }

  /// The index of the first size in `sizes` that cannot be placed when all are allocated in
  /// order, or nil when all fit. Changes nothing.
  public func firstUnplaceable(_ sizes: [UInt64]) -> Int? {
    var trial = self
    for (index, size) in sizes.enumerated() where trial.allocate(size) == nil {
      return index
    }
    return nil
  }
}
