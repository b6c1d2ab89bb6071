/// What one page channel of a migration carried: its batches, pages and wire bytes, and the
/// CPU time its thread spent in the codec (compressing on the source, decompressing on the
/// destination). Kept only when a migration was granted more than one channel.
public struct ChannelFigures: Sendable, Equatable, Codable {
  /// The channel's index, from 0.
  public var index: Int
  public var batches: Int
  public var pages: Int
  /// Bytes of every frame on this channel's connection (batches, its join and syncs).
  public var bytes: UInt64
  /// Thread CPU time inside the codec; zero without compression.
  public var cpuTime: Duration

  public init(
    index: Int, batches: Int = 0, pages: Int = 0, bytes: UInt64 = 0, cpuTime: Duration = .zero
  ) {
    self.index = index
    self.batches = batches
    self.pages = pages
    self.bytes = bytes
    self.cpuTime = cpuTime
  }
}
