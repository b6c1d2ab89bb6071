import Compression
import Hypervisor

/// The network link between the hosts' Logical Domains Managers.
public struct Link: Sendable, Equatable, CustomStringConvertible, Codable {
  /// Bits per second; nil means unlimited: frames leave as fast as the machine makes them.
  public var bitsPerSecond: Double?
  /// One-way latency in seconds: every frame arrives this long after it left.
  public var latency: Double

  public init(bitsPerSecond: Double?, latency: Double = 0.0005) {
    self.bitsPerSecond = bitsPerSecond
    self.latency = latency
  }

  public static let gigabit = Link(bitsPerSecond: 1e9)
  public static let unlimited = Link(bitsPerSecond: nil, latency: 0)

  public var bytesPerSecond: Double? { bitsPerSecond.map { $0 / 8 } }

  public var description: String {
    bitsPerSecond.map(Units.formatRate) ?? "unlimited"
  }
}

/// How migrations are carried out: the link and the pre-copy policy.
public struct EngineSettings: Sendable, Equatable, Codable {
  public var link: Link
  /// The longest the domain may be suspended; pre-copy continues until the rest fits.
  public var downtimeLimit: Double
  /// Pre-copy passes before suspending anyway.
  public var maxPasses: Int
  /// Throttle a guest that dirties memory faster than half the send rate.
  public var autoConverge: Bool
  /// The codec a source offers for its page batches (`none` is always offered too).
  public var compression: CompressionCodec
  /// Page channels a source asks for (``Quantities/channels``); the destination may grant fewer.
  public var channels: Int
  /// Whether a source asks to send pages it sends again as XBZRLE differences.
  public var xbzrle: Bool
  /// Bytes of each migration's XBZRLE page cache on its source.
  public var xbzrleCacheBytes: UInt64

  public init(
    link: Link = .gigabit, downtimeLimit: Double = 0.3, maxPasses: Int = 30,
    autoConverge: Bool = false, compression: CompressionCodec = .none, channels: Int = 1,
    xbzrle: Bool = false, xbzrleCacheBytes: UInt64 = 64 << 20
  ) {
    self.link = link
    self.downtimeLimit = downtimeLimit
    self.maxPasses = maxPasses
    self.autoConverge = autoConverge
    self.compression = compression
    self.channels = channels
    self.xbzrle = xbzrle
    self.xbzrleCacheBytes = xbzrleCacheBytes
  }

  /// The settings a scenario file asks for.
  public init(_ scenario: Scenario.MigrationSettings) {
    self.init(
      link: Link(bitsPerSecond: scenario.bandwidth, latency: scenario.latency),
      downtimeLimit: scenario.downtimeLimit, maxPasses: scenario.maxPasses,
      autoConverge: scenario.autoConverge,
      compression: CompressionCodec(rawValue: scenario.compression) ?? .none,
      channels: scenario.channels, xbzrle: scenario.xbzrle,
      xbzrleCacheBytes: scenario.xbzrleCache)
  }
}
