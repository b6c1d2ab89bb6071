/// What a guest does with its memory: how fast it writes pages, how concentrated the writes
/// are and how much of its memory it ever writes. This is what decides whether a pre-copy
/// migration converges, and how much real memory the simulation holds.
public struct Workload: Sendable, Equatable {
  /// Preset name (`idle`, `web`, `database`, `stress`) or `custom`.
  public var name: String
  /// Page writes per simulated second.
  public var pagesPerSecond: Double
  /// Fraction of the domain's pages that form the hot working set (inside the footprint).
  public var hotSetFraction: Double
  /// Fraction of writes that land in the hot working set; the rest land anywhere in the
  /// footprint.
  public var hotWriteFraction: Double
  /// CPU utilisation the guest reports while running unthrottled, in percent.
  public var utilisation: Double
  /// The pages the workload ever writes: a guest's heap and caches, not all of its memory.
  public var footprint: Footprint
  /// What the guest's memory holds: the boot fills pages with it, and writes store it.
  public var content: ContentProfile

  public init(
    name: String, pagesPerSecond: Double, hotSetFraction: Double, hotWriteFraction: Double,
    utilisation: Double, footprint: Footprint = .fraction(1), content: ContentProfile = .random
  ) {
    self.name = name
    self.pagesPerSecond = pagesPerSecond
    self.hotSetFraction = hotSetFraction
    self.hotWriteFraction = hotWriteFraction
    self.utilisation = utilisation
    self.footprint = footprint
    self.content = content
  }

  // Rates are in 8 KiB pages per second; a 1 Gbit/s link sends about 15,000 of them.
  public static let idle = Workload(
    name: "idle", pagesPerSecond: 40, hotSetFraction: 0.01, hotWriteFraction: 0.9,
    utilisation: 0.3, footprint: .fraction(0.05))
  /// About 22 MiB/s into a small working set: converges in a few passes.
  public static let web = Workload(
    name: "web", pagesPerSecond: 2_800, hotSetFraction: 0.03, hotWriteFraction: 0.98,
    utilisation: 12, footprint: .fraction(0.25))
  /// About 47 MiB/s over a large buffer cache: needs several passes.
  public static let database = Workload(
    name: "database", pagesPerSecond: 6_000, hotSetFraction: 0.1, hotWriteFraction: 0.98,
    utilisation: 45, footprint: .fraction(0.5))
  /// About 180 MiB/s, more than a 1 Gbit/s link sends: never converges unthrottled.
  public static let stress = Workload(
    name: "stress", pagesPerSecond: 23_000, hotSetFraction: 0.15, hotWriteFraction: 0.98,
    utilisation: 98, footprint: .fraction(0.5))

  public static let presets = [idle, web, database, stress]

  public static func preset(named name: String) -> Workload? {
    presets.first { $0.name == name }
  }

  /// Bytes per second this workload dirties at most (before repeats within the hot set).
  public var bytesPerSecond: Double { pagesPerSecond * Double(GuestMemory.pageSize) }

  /// Where the writes land in a memory of `pageCount` pages.
  public func layout(pageCount: Int) -> WriteLayout {
    let footprintPages = footprint.pages(of: pageCount)
    // At least one hot page, unless the memory has none (then neither has the footprint).
    let hotPages = min(
      footprintPages, max(1, Int(Double(pageCount) * min(max(hotSetFraction, 0), 1))))
    return WriteLayout(pageCount: pageCount, footprintPages: footprintPages, hotPages: hotPages)
  }
}

/// The pages a workload ever writes: a fraction of the domain's memory, or a size.
public enum Footprint: Sendable, Equatable, CustomStringConvertible {
  /// A fraction of the domain's memory, in (0, 1].
  case fraction(Double)
  /// A size in bytes (at most the domain's memory).
  case bytes(UInt64)

  /// The footprint in pages of a memory of `pageCount` pages: at least one, at most all.
  public func pages(of pageCount: Int) -> Int {
    guard pageCount > 0 else { return 0 }
    let pages: Int
    switch self {
    case .fraction(let fraction):
      pages = Int((Double(pageCount) * min(max(fraction, 0), 1)).rounded(.up))
    case .bytes(let bytes):
      pages = Int(min(bytes / UInt64(GuestMemory.pageSize), UInt64(pageCount)))
    }
    return min(max(pages, 1), pageCount)
  }

  public var description: String {
    switch self {
    case .fraction(let fraction): "\(fraction)"
    case .bytes(let bytes): ByteSize.format(bytes)
    }
  }
}
