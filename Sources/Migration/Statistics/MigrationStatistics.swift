import Compression

/// The numbers users of QEMU and libvirt expect from a live migration, at one moment, all
/// from what this migration really sent and measured.
public struct MigrationStatistics: Sendable, Equatable, Codable {
  /// Seconds since the migration started.
  public var elapsed: Double = 0
  /// Seconds spent in phases 1 and 2 before the first page moved.
  public var setupTime: Double = 0
  /// Bytes of every frame this migration wrote to its channel (pages, markers, control).
  public var transferredBytes: UInt64 = 0
  /// Bytes still to send as things stand: the encoded records of the pages pending in this
  /// pass (zero pages as the markers they are) and of the pages dirtied since.
  public var remainingBytes: UInt64 = 0
  /// The domain's memory size.
  public var totalBytes: UInt64 = 0
  public var zeroPages: UInt64 = 0
  public var normalPages: UInt64 = 0
  /// The current pre-copy pass (1-based; 0 before the transfer starts).
  public var pass = 0
  /// Bytes per second of pages the guest dirtied, measured over the current or last pass.
  public var dirtyRate: Double = 0
  /// Bytes per second this migration put on the wire, measured over the current or last pass.
  public var throughput: Double = 0
  /// Seconds the suspension would take if it started now: what would be left to send at this
  /// migration's measured throughput, plus the latency.
  public var expectedDowntime: Double = 0
  /// Seconds to the end by the pre-copy model on the measured rates, when it can be told.
  public var estimatedTimeLeft: Double?
  /// Measured suspension, from suspend to the target's resume.
  public var actualDowntime: Double?
  /// Auto-converge throttle on the guest, 0 … 0.99.
  public var throttle: Double = 0
  /// sent / (sent + left), 0 … 1.
  public var progress: Double = 0
  public var convergence: Convergence = .converging
  /// SHA-256 of the source's memory and CPU state at suspension, hex.
  public var sourceDigest: String?
  /// SHA-256 the destination computed of what it received, hex (it resumes only on a match).
  public var targetDigest: String?
  /// The codec the hello agreed on and what it did so far; nil while pages go uncompressed.
  public var compression: CompressionFigures?
  /// Each page channel's counts when more than one was granted; nil with pages on the main
  /// connection.
  public var channels: [ChannelFigures]?
  /// What XBZRLE did, once the hello agreed on it; nil otherwise.
  public var xbzrle: XBZRLEFigures?

  public init() {}

  /// λ = dirty rate / throughput: pre-copy converges while it is below 1.
  public var lambda: Double {
    throughput > 0 ? dirtyRate / throughput : 0
  }
}

/// Whether pre-copy is gaining on the guest. A band around λ = 1 keeps the label from
/// flickering while λ hovers there.
public enum Convergence: String, Sendable, Equatable, Codable {
  /// λ below the band: each pass sends less than the last.
  case converging
  /// λ within the band around 1: passes neither shrink nor grow much.
  case stalled
  /// λ above the band: the guest dirties memory faster than it is sent.
  case diverging

  /// λ below this is converging, above ``divergingAbove`` diverging; a label changes only
  /// once λ is `hysteresis` past the boundary it crosses.
  public static let convergingBelow = 0.9
  public static let divergingAbove = 1.1
  public static let hysteresis = 0.03

  /// The label for `lambda`, given the one shown so far.
  public func next(lambda: Double) -> Convergence {
    let margin = Self.hysteresis
    switch self {
    case .converging:
      if lambda > Self.divergingAbove { return .diverging }
      return lambda >= Self.convergingBelow + margin ? .stalled : .converging
    case .stalled:
      if lambda < Self.convergingBelow - margin { return .converging }
      return lambda > Self.divergingAbove + margin ? .diverging : .stalled
    case .diverging:
      if lambda < Self.convergingBelow { return .converging }
      return lambda <= Self.divergingAbove - margin ? .stalled : .diverging
    }
  }
}

/// One finished pre-copy pass, for the sparklines and the benchmark.
public struct PassRecord: Sendable, Equatable, Codable {
  public var number: Int
  public var bytesSent: UInt64
  public var pagesSent: Int
  public var duration: Double
  /// Pages the guest dirtied while the pass ran.
  public var pagesDirtied: Int
  public var throughput: Double
  public var dirtyRate: Double
  /// What compression did in this pass; nil while pages go uncompressed.
  public var compression: CompressionFigures?

  public init(
    number: Int, bytesSent: UInt64, pagesSent: Int, duration: Double, pagesDirtied: Int,
    throughput: Double, dirtyRate: Double, compression: CompressionFigures? = nil
  ) {
    self.compression = compression
    self.number = number
    self.bytesSent = bytesSent
    self.pagesSent = pagesSent
    self.duration = duration
    self.pagesDirtied = pagesDirtied
    self.throughput = throughput
    self.dirtyRate = dirtyRate
  }
}

/// What the page stream's codec did over a stretch of a migration (a pass, or all of it):
/// bytes of records before and after, and the CPU time of the thread that ran the codec.
public struct CompressionFigures: Sendable, Equatable, Codable {
  public var codec: CompressionCodec
  public var statistics: CompressionStatistics

  public init(codec: CompressionCodec, statistics: CompressionStatistics = .zero) {
    self.codec = codec
    self.statistics = statistics
  }
}
