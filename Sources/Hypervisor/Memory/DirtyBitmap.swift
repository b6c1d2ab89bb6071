/// The dirty log: one bit per guest page, set when the guest writes the page.
///
/// The migration engine harvests it at the start of every pre-copy pass, as a hypervisor's
/// dirty-page log is read and cleared by a live-migration loop.
public struct DirtyBitmap: Sendable, Equatable {
  public let pageCount: Int
  private var words: [UInt64]

  public init(pageCount: Int) {
    self.pageCount = pageCount
    words = Array(repeating: 0, count: (pageCount + 63) / 64)
  }

  @inline(__always)
  public mutating func set(_ page: Int) {
    words[page >> 6] |= 1 << UInt64(page & 63)
  }

  @inline(__always)
  public mutating func remove(_ page: Int) {
    words[page >> 6] &= ~(1 << UInt64(page & 63))
  }

  /// The number of 64-page words, for callers that scan word by word.
  public var wordCount: Int { words.count }

  /// The bits of pages `64 * index ..< 64 * index + 64`.
  @inline(__always)
  public func word(at index: Int) -> UInt64 { words[index] }

  @inline(__always)
  public func contains(_ page: Int) -> Bool {
    words[page >> 6] & (1 << UInt64(page & 63)) != 0
  }

  /// Marks every page dirty (the start of a first pass that must send everything).
  public mutating func setAll() {
    for index in words.indices { words[index] = ~0 }
    let tail = pageCount & 63
    if tail != 0, !words.isEmpty { words[words.count - 1] = (1 << UInt64(tail)) - 1 }
  }

  public mutating func clearAll() {
    for index in words.indices { words[index] = 0 }
  }

  /// The number of dirty pages.
  public var count: Int {
    words.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  /// Merges another bitmap into this one (pages dirty in either).
  public mutating func formUnion(_ other: DirtyBitmap) {
    precondition(other.pageCount == pageCount)
    for index in words.indices { words[index] |= other.words[index] }
  }

  /// The dirty pages in ascending order.
  public var pages: [Int] {
    var result: [Int] = []
    forEachPage { result.append($0) }
    return result
  }

  /// Calls `body` for each dirty page in ascending order.
  @inline(__always)
  public func forEachPage(_ body: (Int) throws -> Void) rethrows {
    for (index, word) in words.enumerated() where word != 0 {
      var bits = word
      while bits != 0 {
        let bit = bits.trailingZeroBitCount
        try body(index << 6 | bit)
        bits &= bits - 1
      }
    }
  }

  /// Returns the current log and clears it, as a dirty-log sync does.
  public mutating func harvest() -> DirtyBitmap {
    let taken = self
    clearAll()
    return taken
  }
}
