/// The bounds of every number a scenario file, an option of `ldm-console run` and a run script
/// set (see `Scenarios/README.md`), each with why it lies where it does.
extension Quantities {
  // MARK: Migration settings: scenario `migration:` keys and the options of `run`

  /// The slowest and fastest links: below 1 kbit/s one pass of a small domain outlasts any
  /// clock; 1 Tbit/s is well past the fastest real interconnect. `unlimited` is nil.
  public static let link = Quantity<Double?>(
    expectation: "a bandwidth from 1kbit/s to 1Tbit/s (e.g. 1Gbit/s), or unlimited"
  ) { text in
    guard let bits = Units.parseBandwidth(text) else { return nil }
    guard let bits else { return .some(nil) }
    return linkRange.contains(bits) ? .some(bits) : .none
  }
  static let linkRange = 1e3...1e12

  /// One-way latency, paid once per pass: past 10 s it is no network at all.
  public static let latency = Quantity<Double>.duration(
    "a duration from 0 to 10s (e.g. 0.5ms)", { $0 <= 10 })

  /// A suspension of 0 could never end a migration; past an hour it is a cold migration.
  public static let downtimeLimit = Quantity<Double>.duration(
    "a duration above 0 and at most 1h (e.g. 300ms)", { $0 > 0 && $0 <= 3_600 })

  /// Each pass is a round of events and statistics; a thousand is far past convergence.
  public static let maxPasses = Quantity<Int>.wholeNumber(1...1_000)

  /// The codecs of the page stream (Debian's liblz4 and libzstd); `none` sends pages as they are.
  public static let compression = Quantity<String>(expectation: "none, lz4 or zstd") { text in
    ["none", "lz4", "zstd"].contains(text) ? text : nil
  }

  /// XBZRLE's page cache: below 1 MiB it holds too few pages to find one again; 4 GiB holds
  /// the hot set of any domain a link can keep up with.
  public static let xbzrleCache = Quantity<UInt64>.size(
    (1 << 20)...(4 << 30), multipleOf: 8192, example: "64M")

  /// Parallel page channels, each a connection with its own thread: past 16 the threads
  /// outnumber any host's cores for this work and only add connections.
  public static let channels = Quantity<Int>.wholeNumber(1...16)

  /// `run --connect`: how long to wait for every daemon before the script starts. A daemon
  /// still starting answers within seconds; past ten minutes nobody is waiting for it.
  public static let connectTimeout = Quantity<Double>.duration(
    "a duration above 0 and at most 10m (e.g. 2s)", { $0 > 0 && $0 <= 600 })

  // MARK: Run scripts

  /// `sleep` and `fault … after`: a million hours still fits a clock counted in Int64
  /// nanoseconds (3.6e18 of 9.2e18), with room to add the uptimes.
  public static let scriptDelay = Quantity<Double>.duration(
    "a duration from 0 to 1000000h (e.g. 500ms, 3s, 2m)", { $0 <= 3.6e9 })

  /// `fault slow-link RATE`: a link, but never unlimited.
  public static let slowLinkRate = Quantity<Double>.bandwidth(
    linkRange, "a bandwidth from 1kbit/s to 1Tbit/s (e.g. 10Mbit/s)")

  // MARK: Hosts

  /// Hardware threads: a strand map entry each; the largest SPARC server has 4096.
  public static let strands = Quantity<Int>.wholeNumber(1...4_096)
  public static let strandsPerChip = Quantity<Int>.wholeNumber(1...4_096)
  /// Clock speed for `psrinfo -pv`; no SPARC runs past 10 GHz.
  public static let mhz = Quantity<Int>.wholeNumber(1...10_000)
  /// The %stick frequency, a 32-bit property in `prtconf -pv`.
  public static let stickFrequency = Quantity<UInt64>.hexOrDecimal(
    1...0xFFFF_FFFF, "a frequency in Hz")

  /// Each bound domain gets a page table (8 bytes a page, lazily mapped) and a dirty log (a bit
  /// a page, allocated) sized by its memory, which the host's bounds: past the 4T of the
  /// largest real SPARC server, loading a scenario alone could exhaust the machine running it.
  public static let maximumMemory: UInt64 = 4 << 40
  public static let hostMemory = Quantity<UInt64>.size(
    (4 << 20)...maximumMemory, example: "64G")
  /// A reserved range lies in host memory; bounding both ends keeps `start + size` far from
  /// 2^64, and the host then refuses a range outside its own memory.
  public static let reservedAddress = Quantity<UInt64>.hexOrDecimal(
    0...maximumMemory, "an address")
  public static let reservedSize = Quantity<UInt64>.size(1...maximumMemory, example: "1G")
  /// Any other amount of guest memory.
  public static let guestSize = Quantity<UInt64>.size(1...maximumMemory, example: "512M")
  /// A vcc's ports, as `ldm add-vcc port-range=` takes them.
  public static let consolePorts = Quantity<ClosedRange<Int>>(
    expectation: "a port range LOW-HIGH within 1-65535 (e.g. 5000-5100)", read: parsePortRange)

  // MARK: Domains

  public static let vcpus = Quantity<Int>.wholeNumber(1...4_096)
  /// ldm binds memory in 4M granules; no domain outgrows the largest host.
  public static let domainMemory = Quantity<UInt64>.size(
    PhysicalMemory.granule...maximumMemory, multipleOf: PhysicalMemory.granule, example: "1G")
  public static let blockSize = Quantity<UInt64>.size(
    PhysicalMemory.granule...maximumMemory, multipleOf: PhysicalMemory.granule, example: "2G")
  public static let consolePort = Quantity<Int>.wholeNumber(1...65_535, "a port")
  public static let utilisation = Quantity<Double>.decimal(
    "a percentage from 0 to 100 (e.g. 12.5)", { (0...100).contains($0) })
  public static let fill = Quantity<Double>.decimal(
    "a fraction from 0 to 1 (e.g. 0.1)", { (0...1).contains($0) })
  /// A hundred years of uptime: as a `Double` that grows with simulated time it still converts
  /// back to whole seconds (an `Int`) for `ldm list`.
  public static let uptime = Quantity<Int>(
    expectation: "an uptime from 0 to 36500d (e.g. 2h 7m, 45d 8h 6m, or seconds)"
  ) { text in
    guard let seconds = Units.parseUptime(text), seconds <= 36_500 * 86_400 else { return nil }
    return seconds
  }
  /// Page writes per simulated second: a million (8 GiB/s) is past any guest's memory bus, and
  /// keeps the writes due in a step countable in an `Int`.
  public static let writeRate = Quantity<Double>.decimal(
    "a rate from 0 to 1000000 page writes per second", { (0...1_000_000).contains($0) })
  public static let hotSet = Quantity<Double>.decimal(
    "a fraction above 0 and at most 1 (e.g. 0.05)", { $0 > 0 && $0 <= 1 })
  public static let hotWrites = Quantity<Double>.decimal(
    "a fraction from 0 to 1 (e.g. 0.9)", { (0...1).contains($0) })
}
