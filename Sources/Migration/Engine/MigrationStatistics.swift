/// The numbers users of QEMU and libvirt expect from a live migration, at one moment.
public struct MigrationStatistics: Sendable, Equatable {
  /// Simulated seconds since the migration started.
  public var elapsed: Double = 0
  /// Seconds spent in phases 1 and 2 before the first page moved.
  public var setupTime: Double = 0
  /// Bytes put on the wire so far (pages, zero-page markers, CPU state).
  public var transferredBytes: UInt64 = 0
  /// Bytes still to send as things stand: pages pending in this pass plus pages dirtied since.
  public var remainingBytes: UInt64 = 0
  /// The domain's memory size.
  public var totalBytes: UInt64 = 0
  public var zeroPages: UInt64 = 0
  public var normalPages: UInt64 = 0
  /// The current pre-copy pass (1-based; 0 before the transfer starts).
  public var pass = 0
  /// Bytes per second the guest dirtied during the last finished pass.
  public var dirtyRate: Double = 0
  /// Bytes per second actually sent during the last finished pass.
  public var throughput: Double = 0
  /// Seconds the suspension would take if it started now.
  public var expectedDowntime: Double = 0
  /// Measured suspension, from suspend to the target's resume.
  public var actualDowntime: Double?
  /// Auto-converge throttle on the guest, 0 … 0.99.
  public var throttle: Double = 0
  /// 0 … 1.
  public var progress: Double = 0
  /// SHA-256 of the source's memory at suspension, hex.
  public var sourceDigest: String?
  /// SHA-256 of the target's memory before hand-off, hex.
  public var targetDigest: String?

  public init() {}

  /// λ = dirty rate / throughput: pre-copy converges while it is below 1.
  public var lambda: Double {
    throughput > 0 ? dirtyRate / throughput : 0
  }

  public var isConverging: Bool { lambda < 1 }

  /// Seconds to the end at the current throughput, when it can be estimated.
  public var estimatedTimeLeft: Double? {
    guard throughput > 0 else { return nil }
    return Double(remainingBytes) / throughput
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
}
