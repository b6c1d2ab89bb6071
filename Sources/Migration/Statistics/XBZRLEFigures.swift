/// What XBZRLE did for a migration: pages sent again as their difference from the version the
/// destination held, and those that could not be.
public struct XBZRLEFigures: Sendable, Equatable, Codable {
  /// Bytes of the source's page cache.
  public var cacheBytes: UInt64
  /// Pages sent as XBZRLE records.
  public var pages = 0
  /// Bytes of those records: header, length and encoding.
  public var bytes: UInt64 = 0
  /// Pages sent again whole because the cache held no version of them (first sent again, or
  /// pushed out by others).
  public var misses = 0
  /// Pages sent again whole because their difference was longer than the page.
  public var overflows = 0

  public init(cacheBytes: UInt64) {
    self.cacheBytes = cacheBytes
  }

  /// What the pages sent as differences would have taken whole.
  public var wholeBytes: UInt64 { UInt64(pages) * UInt64(PageRecord.normalBytes) }

  /// Whole bytes over XBZRLE bytes for the pages sent as differences; nil before there is one.
  public var ratio: Double? { bytes > 0 ? Double(wholeBytes) / Double(bytes) : nil }

  /// Record bytes per byte the pages sent again would have taken whole, over every page sent
  /// again so far (1 before any): how much smaller what is still to be sent again will be.
  public var resentFraction: Double {
    let whole = UInt64(misses + overflows) * UInt64(PageRecord.normalBytes)
    let total = wholeBytes + whole
    return total > 0 ? Double(bytes + whole) / Double(total) : 1
  }

  /// Counts of a turn added to these.
  mutating func add(_ other: XBZRLEFigures) {
    pages += other.pages
    bytes += other.bytes
    misses += other.misses
    overflows += other.overflows
  }
}
