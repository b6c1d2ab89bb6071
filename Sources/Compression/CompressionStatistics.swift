#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one compressor or decompressor did: batches, bytes before and after, and the CPU time
/// it spent. A value, so the engine adds them up per channel (`+=`) and takes the difference of
/// two samples for a rate (`-`).
///
/// Only batches that succeeded count: a refused block adds nothing.
public struct CompressionStatistics: Sendable, Equatable, Codable, AdditiveArithmetic {
  /// Batches compressed or decompressed.
  public var batches: Int
  /// Bytes of pages: the input of compression, the output of decompression.
  public var uncompressedBytes: Int
  /// Bytes on the wire: the output of compression, the input of decompression.
  public var compressedBytes: Int
  /// CPU time of the calling thread inside the codec (`CLOCK_THREAD_CPUTIME_ID`): time the
  /// thread was descheduled does not count.
  public var cpuTime: Duration

  /// Creates statistics with the given counts.
  public init(
    batches: Int = 0, uncompressedBytes: Int = 0, compressedBytes: Int = 0,
    cpuTime: Duration = .zero
  ) {
    self.batches = batches
    self.uncompressedBytes = uncompressedBytes
    self.compressedBytes = compressedBytes
    self.cpuTime = cpuTime
  }

  /// Nothing done yet.
  public static let zero = CompressionStatistics()

  /// Uncompressed bytes per compressed byte (2.0: half the bytes went on the wire), or nil
  /// before any byte went on the wire.
  public var ratio: Double? {
    compressedBytes > 0 ? Double(uncompressedBytes) / Double(compressedBytes) : nil
  }

  /// Uncompressed bytes per second of CPU time, or nil before any CPU time was measured.
  public var bytesPerCPUSecond: Double? {
    let seconds = cpuTime.seconds
    return seconds > 0 ? Double(uncompressedBytes) / seconds : nil
  }

  /// The sum of two counts, as for two channels.
  public static func + (lhs: Self, rhs: Self) -> Self {
    Self(
      batches: lhs.batches + rhs.batches,
      uncompressedBytes: lhs.uncompressedBytes + rhs.uncompressedBytes,
      compressedBytes: lhs.compressedBytes + rhs.compressedBytes,
      cpuTime: lhs.cpuTime + rhs.cpuTime)
  }

  /// What happened between two samples of the same counts (`later - earlier`).
  public static func - (lhs: Self, rhs: Self) -> Self {
    Self(
      batches: lhs.batches - rhs.batches,
      uncompressedBytes: lhs.uncompressedBytes - rhs.uncompressedBytes,
      compressedBytes: lhs.compressedBytes - rhs.compressedBytes,
      cpuTime: lhs.cpuTime - rhs.cpuTime)
  }

  /// Counts one batch that took `cpuTime`.
  mutating func record(uncompressed: Int, compressed: Int, cpuTime: Duration) {
    batches += 1
    uncompressedBytes += uncompressed
    compressedBytes += compressed
    self.cpuTime += cpuTime
  }
}

extension Duration {
  fileprivate var seconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}

/// The CPU time the calling thread has used so far.
enum ThreadCPUClock {
  static func now() -> Duration {
    var time = timespec()
    // Cannot fail for the calling thread's own clock, which every Linux and Darwin kernel has.
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
  }
}
