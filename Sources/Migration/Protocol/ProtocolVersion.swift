/// The protocol's versions and limits (docs/protocol.md).
public enum ProtocolVersion {
  /// Versions this build speaks. A peer whose range does not overlap is refused with
  /// ``PeerError/versionMismatch(supported:)``. Version 2 changed only how the HAND-OFF
  /// digest is computed (``MigrationDigest``): striped, on every core.
  public static let supported: ClosedRange<Int> = 1...2
  /// `LDMM`: the first four bytes of a hello, so that a stray client is told apart at once.
  public static let magic: UInt32 = 0x4C44_4D4D

  /// The highest version both ranges hold, or nil.
  public static func negotiate(_ ours: ClosedRange<Int>, _ theirs: ClosedRange<Int>) -> Int? {
    let high = min(ours.upperBound, theirs.upperBound)
    return high >= max(ours.lowerBound, theirs.lowerBound) ? high : nil
  }
}

/// Bounds every decoder enforces before it allocates.
public enum ProtocolLimits {
  /// The largest frame (length field value) accepted: 16 MiB.
  public static let maxFrameLength = 16 << 20
  /// Bytes of a string.
  public static let maxString = 4096
  /// Items of a list (disks, networks, blocks, results, variables…).
  public static let maxItems = 1024
  /// Page records in one batch.
  public static let maxBatchPages = 1024
  /// Bytes of one virtual CPU's state.
  public static let maxCPUState = 1 << 20
  /// Channels a HELLO may ask for or grant, and so one more than the highest channel index.
  public static let maxChannels = 64
}
