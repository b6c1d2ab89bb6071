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
/// engine from running ahead of the wire. The inbox is bounded too: a reader that finds it
/// full waits for the engine to take frames, so the socket stops being read and TCP slows the
/// peer's writes to what this engine applies (as a destination does in QEMU), instead of
/// frames piling up here while the peer's engine runs seconds ahead.
public final class TCPMigrationChannel: MigrationChannel, Sendable {
  struct State {
    var inbox: Deque<(frame: [UInt8], arrival: Double)> = []
    var inboxBytes = 0
    /// The reader, waiting for the engine to drain a full inbox.
    var drained: CheckedContinuation<Void, Never>?
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
  /// Bytes of arrived frames the engine has not taken yet before the socket stops being read.
  public static let receiveWindow = 8 << 20

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
    let (taken, reader) = state.withLockedValue {
      state -> ((frame: [UInt8], arrival: Double)?, CheckedContinuation<Void, Never>?) in
      guard let taken = state.inbox.popFirst() else { return (nil, nil) }
      state.inboxBytes -= taken.frame.count
      // Half a window drained before the reader goes on: it wakes once per 4 MiB, not per frame.
      guard state.inboxBytes <= Self.receiveWindow / 2, let reader = state.drained else {
        return (taken, nil)
      }
      state.drained = nil
      return (taken, reader)
    }
    reader?.resume()
    return taken
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

  /// Bytes of arrived frames the engine has not taken yet.
  public var unreadBytes: Int {
    state.withLockedValue { $0.inboxBytes }
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

  /// A frame arrived, as it was on the wire: the codec reads it as it is. Returns when the
  /// inbox has room for more (at once, unless the engine is a receive window behind).
  public func deliver(_ frame: Frame) async {
    let now = clock()
    let full = state.withLockedValue { state -> Bool in
      // The engine closed its end and reads no more.
      guard state.closure != .local else { return false }
      state.inbox.append((frame.wire, now))
      state.inboxBytes += frame.wire.count
      state.lastActivity = now
      return state.inboxBytes >= Self.receiveWindow
    }
    wake()
    guard full else { return }
    await withCheckedContinuation { (reader: CheckedContinuation<Void, Never>) in
      let goOn = state.withLockedValue { state -> Bool in
        guard state.inboxBytes > Self.receiveWindow / 2, state.closure != .local else {
          return true
        }
        state.drained = reader
        return false
      }
      if goOn { reader.resume() }
    }
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
    let reader = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
      if state.closure == nil {
        state.closure = closure
        state.closedAt = now
      }
      // The engine will not read what is left once it closed its end: the reader goes on.
      guard closure == .local else { return nil }
      defer { state.drained = nil }
      return state.drained
    }
    reader?.resume()
    wake()
  }
}
