/// One end of a migration connection: whole frames out and in, on the engine's clock.
///
/// The sides know nothing else of each other. A transport (in-process, TCP) decides how frames
/// travel: the in-process link paces them by bandwidth and delays them by latency, as a wire.
public protocol MigrationChannel: AnyObject {
  /// Queues a frame (length prefix included) at `time`. Dropped when the channel is closed.
  func send(_ frame: [UInt8], at time: Double)
  /// Whether another frame is taken without piling up: false while the send window is full.
  var isWritable: Bool { get }
  /// The next frame that has arrived by `time`, and when it arrived.
  func receive(by time: Double) -> (frame: [UInt8], arrival: Double)?
  /// When the next frame arrived, if it has by `time`.
  func nextArrival(by time: Double) -> Double?
  /// Bytes that had left this end by `time`, and when the last of them left.
  func departed(by time: Double) -> (bytes: UInt64, time: Double)
  /// The last time bytes from the peer were seen arriving by `time` (a frame still arriving
  /// counts), or nil when nothing has come yet.
  func lastActivity(by time: Double) -> Double?
  /// Why the channel is closed, once it is.
  var closure: ChannelClosure? { get }
  /// When the closure happened (for the peer's close: when the end reached this side), once
  /// it did; a side reacts to it at that time, not at its own last one.
  var closedAt: Double? { get }
  /// Closes this end gracefully: what was sent is still delivered, then the peer sees the end.
  func close(at time: Double)
}

/// How a connection ended.
public enum ChannelClosure: Sendable, Equatable, Codable {
  /// This end closed it.
  case local
  /// The peer closed it after saying what it had to say.
  case peer
  /// The link between the hosts went down.
  case linkDown
  /// The peer's process went away (its connections reset).
  case reset
}
