import DequeModule
import Migration
import NIOConcurrencyHelpers
import NIOCore
import Network

/// One end of a migration connection between two daemons, over TCP (and TLS).
///
/// The engine thread uses it as any ``MigrationChannel``: what it sends goes into an outbox
/// that the connection's writer task puts on the socket, and frames that arrive wait in an
/// inbox, stamped with the wall clock, until the engine thread takes them. The writer's
/// progress is what "departed" means here; NIO's backpressure and a send window keep the
/// engine from running ahead of the wire.
public final class TCPMigrationChannel: MigrationChannel, Sendable {
  struct State {
    var inbox: Deque<(frame: [UInt8], arrival: Double)> = []
    var queuedBytes = 0
    var departedBytes: UInt64 = 0
    var lastDeparture = 0.0
    var lastActivity: Double?
    var closure: ChannelClosure?
    var closedAt: Double?
  }

  private let state = NIOLockedValueBox(State())
  private let outbox: AsyncStream<[UInt8]>.Continuation
  private let pending: AsyncStream<[UInt8]>
  let clock: @Sendable () -> Double
  let wake: @Sendable () -> Void
  /// Bytes the engine may have written that the socket has not taken yet.
  public static let sendWindow = 4 << 20

  /// A channel whose connection is still to be made (or accepted): what is sent meanwhile
  /// waits in the outbox. `wake` tells the engine thread that something arrived.
  public init(clock: @escaping @Sendable () -> Double, wake: @escaping @Sendable () -> Void) {
    self.clock = clock
    self.wake = wake
    (pending, outbox) = AsyncStream.makeStream(of: [UInt8].self)
  }

  // MARK: The engine thread's side

  public func send(_ frame: [UInt8], at time: Double) {
    let open = state.withLockedValue { state -> Bool in
      guard state.closure == nil else { return false }
      state.queuedBytes += frame.count
      return true
    }
    if open { outbox.yield(frame) }
  }

  public var isWritable: Bool {
    state.withLockedValue { $0.closure == nil && $0.queuedBytes < Self.sendWindow }
  }

  public func receive(by time: Double) -> (frame: [UInt8], arrival: Double)? {
    state.withLockedValue { $0.inbox.popFirst() }
  }

  public func nextArrival(by time: Double) -> Double? {
    state.withLockedValue { $0.inbox.first?.arrival }
  }

  public func departed(by time: Double) -> (bytes: UInt64, time: Double) {
    state.withLockedValue { ($0.departedBytes, $0.lastDeparture) }
  }

  public func lastActivity(by time: Double) -> Double? {
    state.withLockedValue { $0.lastActivity }
  }

  public var closure: ChannelClosure? {
    state.withLockedValue { state in
      // What arrived before the end is read first.
      state.inbox.isEmpty || state.closure == .local ? state.closure : nil
    }
  }

  public var closedAt: Double? {
    state.withLockedValue { $0.closedAt }
  }

  public func close(at time: Double) {
    end(.local)
    outbox.finish()
  }

  /// The connection could not be made.
  public func fail() { ended(failed: true) }

  // MARK: The connection's side

  /// The frames the engine sent, for the connection's writer.
  public var outgoing: AsyncStream<[UInt8]> { pending }

  /// A frame arrived, as it was on the wire: the codec reads it as it is.
  public func deliver(_ frame: Frame) {
    let now = clock()
    state.withLockedValue { state in
      state.inbox.append((frame.wire, now))
      state.lastActivity = now
    }
    wake()
  }

  /// The writer put `count` bytes on the connection.
  public func wrote(_ count: Int) {
    let now = clock()
    let writableAgain = state.withLockedValue { state -> Bool in
      let full = state.queuedBytes >= Self.sendWindow
      state.queuedBytes -= count
      state.departedBytes += UInt64(count)
      state.lastDeparture = now
      return full && state.queuedBytes < Self.sendWindow
    }
    // An engine waiting on a full window would otherwise sleep out its tick (10 ms: at most
    // one window per tick, a few Gbit/s) with the socket idle.
    if writableAgain { wake() }
  }

  /// The connection ended: closed by the peer, or failed (reset, or never made).
  public func ended(failed: Bool) {
    end(failed ? .reset : .peer)
    outbox.finish()
  }

  private func end(_ closure: ChannelClosure) {
    let now = clock()
    state.withLockedValue { state in
      if state.closure == nil {
        state.closure = closure
        state.closedAt = now
      }
    }
    wake()
  }
}
