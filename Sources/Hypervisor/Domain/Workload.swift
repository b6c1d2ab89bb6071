/// What a guest does with its memory: how fast it writes pages and how concentrated the
/// writes are. This is what decides whether a pre-copy migration converges.
public struct Workload: Sendable, Equatable {
  /// Preset name (`idle`, `web`, `database`, `stress`) or `custom`.
  public var name: String
  /// Page writes per simulated second.
  public var pagesPerSecond: Double
  /// Fraction of the domain's pages that form the hot working set.
  public var hotSetFraction: Double
  /// Fraction of writes that land in the hot working set.
  public var hotWriteFraction: Double
  /// CPU utilisation the guest reports while running unthrottled, in percent.
  public var utilisation: Double

  public init(
    name: String, pagesPerSecond: Double, hotSetFraction: Double, hotWriteFraction: Double,
    utilisation: Double
  ) {
    self.name = name
    self.pagesPerSecond = pagesPerSecond
    self.hotSetFraction = hotSetFraction
    self.hotWriteFraction = hotWriteFraction
    self.utilisation = utilisation
  }

  // Rates are in 8 KiB pages per second; a 1 Gbit/s link sends about 15,000 of them.
  public static let idle = Workload(
    name: "idle", pagesPerSecond: 40, hotSetFraction: 0.01, hotWriteFraction: 0.9,
    utilisation: 0.3)
  /// About 22 MiB/s into a small working set: converges in a few passes.
  public static let web = Workload(
    name: "web", pagesPerSecond: 2_800, hotSetFraction: 0.03, hotWriteFraction: 0.98,
    utilisation: 12)
  /// About 47 MiB/s over a large buffer cache: needs several passes.
  public static let database = Workload(
    name: "database", pagesPerSecond: 6_000, hotSetFraction: 0.1, hotWriteFraction: 0.98,
    utilisation: 45)
  /// About 180 MiB/s, more than a 1 Gbit/s link sends: never converges unthrottled.
  public static let stress = Workload(
    name: "stress", pagesPerSecond: 23_000, hotSetFraction: 0.15, hotWriteFraction: 0.98,
    utilisation: 98)

  public static let presets = [idle, web, database, stress]

  public static func preset(named name: String) -> Workload? {
    presets.first { $0.name == name }
  }

  /// Bytes per second this workload dirties at most (before repeats within the hot set).
  public var bytesPerSecond: Double { pagesPerSecond * Double(GuestMemory.pageSize) }
}

/// Runs a workload against a domain's memory: real stores, real dirty bits.
struct WorkloadRunner: Sendable {
  private var random: DeterministicRandom
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
    guard memory.pageCount > 0, seconds > 0 else { return [] }
    carry += workload.pagesPerSecond * (1 - throttle) * seconds
    let writes = Int(carry)
    carry -= Double(writes)
    let hotPages = max(1, Int(Double(memory.pageCount) * workload.hotSetFraction))
    // The hot set sits a little above the start of memory, as a heap would.
    let hotStart = min(memory.pageCount - hotPages, memory.pageCount / 8)
    var written: [Int] = []
    if record { written.reserveCapacity(writes) }
    for _ in 0..<writes {
      let page: Int
      if random.nextUnit() < workload.hotWriteFraction {
        page = hotStart + random.next(below: hotPages)
      } else {
        page = random.next(below: memory.pageCount)
      }
      let word = random.next(below: GuestMemory.pageSize / 8)
      memory.store(random.next() | 1, page: page, wordOffset: word)
      if record { written.append(page) }
    }
    return written
  }
}
