import DequeModule

/// The network between the hosts of one process, as a pair of wires per host pair: frames
/// wait in their sender's queue, leave one after another at the link's bandwidth (the
/// connections on a wire take turns, frame by frame, so they share it fairly), and arrive a
/// latency later. With an unlimited bandwidth a frame leaves as soon as it is sent.
///
/// Owned by the thread that owns the datacenter; `pump` moves frames onto the wire and is
/// called with the engine's clock.
public final class InProcessLink {
  /// Bytes per second; nil is unlimited.
  public var bytesPerSecond: Double?
  /// One-way delay of every frame, seconds.
  public var latency: Double
  /// Bytes a sender may queue before ``MigrationChannel/isWritable`` turns false.
  public static let sendWindow = 1 << 20

  private var wires: [String: Wire] = [:]
  private var flows: [Flow] = []
  /// Connections made so far; numbers each one.
  private var connections = 0

  public init(bytesPerSecond: Double?, latency: Double) {
    self.bytesPerSecond = bytesPerSecond
    self.latency = latency
  }

  /// A new connection from `source` to `destination`: the caller's end and the peer's end.
  public func connect(from source: String, to destination: String) -> (
    InProcessChannel, InProcessChannel
  ) {
    connections += 1
    let out = Flow(wire: wire(from: source, to: destination), connection: connections)
    let back = Flow(wire: wire(from: destination, to: source), connection: connections)
    flows += [out, back]
    return (
      InProcessChannel(link: self, outbound: out, inbound: back),
      InProcessChannel(link: self, outbound: back, inbound: out)
    )
  }

  private func wire(from a: String, to b: String) -> Wire {
    if let wire = wires["\(a)\u{0}\(b)"] { return wire }
    let wire = Wire()
    wires["\(a)\u{0}\(b)"] = wire
    return wire
  }

  /// Connections not yet closed by both ends (or failed) and drained, and the frame bytes
  /// they hold, queued or on the wire. Once nothing migrates, both are zero.
  public var held: (connections: Int, bytes: Int) {
    let open = flows.filter { !$0.isFinished }
    return (
      Set(open.map(\.connection)).count,
      open.reduce(0) { total, flow in
        total + flow.queuedBytes + flow.inFlight.reduce(0) { $0 + $1.frame.count }
      }
    )
  }

  /// Whether any frame is queued or on its way: time matters to the link.
  public var isBusy: Bool {
    flows.contains { !$0.queue.isEmpty || !$0.inFlight.isEmpty }
  }

  /// Puts queued frames on the wire up to `end`; returns whether any frame moved.
  @discardableResult
  public func pump(until end: Double) -> Bool {
    flows.removeAll { $0.isFinished }
    var moved = false
    var seen: Set<ObjectIdentifier> = []
    for flow in flows where seen.insert(ObjectIdentifier(flow.wire)).inserted {
      let members = flows.filter { $0.wire === flow.wire }
      moved = pump(members, wire: flow.wire, until: end) || moved
    }
    return moved
  }

  /// Serves the flows of one wire round-robin, one frame each turn.
  private func pump(_ members: [Flow], wire: Wire, until end: Double) -> Bool {
    var moved = false
    var turn = wire.nextTurn
    var idle = 0
    while idle < members.count {
      let flow = members[turn % members.count]
      turn += 1
      guard let head = flow.queue.first else {
        idle += 1
        continue
      }
      let start = max(head.queuedAt, bytesPerSecond == nil ? 0 : wire.freeAt, flow.freeAt)
      guard start <= end else {
        idle += 1
        continue
      }
      idle = 0
      flow.queue.removeFirst()
      flow.queuedBytes -= head.frame.count
      let bytes = Double(head.frame.count)
      let wireTime = bytesPerSecond.map { bytes / $0 } ?? 0
      let ownTime = flow.cap.map { bytes / $0 } ?? 0
      wire.freeAt = start + wireTime
      let left = start + max(wireTime, ownTime)
      flow.freeAt = flow.cap == nil ? 0 : left
      // A frame for a receiver that has closed its end still takes its time on the wire,
      // but nobody will ever read it: kept in flight, it would hold the connection (and its
      // bytes) for the life of the link.
      if !flow.receiverClosed {
        flow.inFlight.append(
          InFlight(frame: head.frame, started: start, left: left, arrives: left + latency))
      }
      flow.departedBytes += UInt64(head.frame.count)
      flow.departures.append((flow.departedBytes, left))
      moved = true
    }
    wire.nextTurn = turn % max(members.count, 1)
    return moved
  }

  /// Closes both ends of every connection for `closure` at `time` (the link went down, the
  /// peer's process died), dropping what was queued or on its way.
  public func fail(_ channels: [InProcessChannel], _ closure: ChannelClosure, at time: Double) {
    for channel in channels {
      channel.outbound.fail(closure, at: time)
      channel.inbound.fail(closure, at: time)
    }
  }

  /// Caps one connection's rate in bytes per second (nil: the link's own), as a slow path
  /// would.
  public func cap(_ channel: InProcessChannel, bytesPerSecond: Double?) {
    channel.outbound.cap = bytesPerSecond
    channel.inbound.cap = bytesPerSecond
  }

  // MARK: Parts

  final class Wire {
    var freeAt = 0.0
    var nextTurn = 0
  }

  struct Queued {
    var frame: [UInt8]
    var queuedAt: Double
  }

  struct InFlight {
    var frame: [UInt8]
    var started: Double
    var left: Double
    var arrives: Double
  }

  /// One direction of one connection.
  final class Flow {
    let wire: Wire
    /// The connection it is a direction of.
    let connection: Int
    var queue: Deque<Queued> = []
    var queuedBytes = 0
    var inFlight: Deque<InFlight> = []
    var departedBytes: UInt64 = 0
    /// Departures not yet seen by ``InProcessChannel/departed(by:)``: cumulative bytes and
    /// when the frame finished leaving.
    var departures: Deque<(bytes: UInt64, left: Double)> = []
    /// The latest departure seen by then.
    var settled: (bytes: UInt64, left: Double) = (0, 0)
    var lastArrival: Double?
    var cap: Double?
    var freeAt = 0.0
    /// Set when the link failed: both ends see it at once.
    var failure: ChannelClosure?
    var failedAt: Double?
    /// The sender closed gracefully: once drained, the receiver sees the end.
    var senderClosed = false
    var senderClosedAt = 0.0
    var receiverClosed = false

    init(wire: Wire, connection: Int) {
      self.wire = wire
      self.connection = connection
    }

    var isFinished: Bool {
      (failure != nil || (senderClosed && receiverClosed)) && queue.isEmpty && inFlight.isEmpty
    }

    func fail(_ closure: ChannelClosure, at time: Double) {
      if failure == nil {
        failure = closure
        failedAt = time
      }
      queue.removeAll()
      queuedBytes = 0
      inFlight.removeAll()
    }
  }
}

/// One end of an in-process connection.
public final class InProcessChannel: MigrationChannel {
  unowned let link: InProcessLink
  let outbound: InProcessLink.Flow
  let inbound: InProcessLink.Flow

  init(link: InProcessLink, outbound: InProcessLink.Flow, inbound: InProcessLink.Flow) {
    self.link = link
    self.outbound = outbound
    self.inbound = inbound
  }

  public func send(_ frame: [UInt8], at time: Double) {
    guard closure == nil else { return }
    outbound.queue.append(.init(frame: frame, queuedAt: time))
    outbound.queuedBytes += frame.count
  }

  public var isWritable: Bool {
    closure == nil && outbound.queuedBytes < InProcessLink.sendWindow
  }

  public func receive(by time: Double) -> (frame: [UInt8], arrival: Double)? {
    guard nextArrival(by: time) != nil, let head = inbound.inFlight.popFirst() else { return nil }
    inbound.lastArrival = head.arrives
    return (head.frame, head.arrives)
  }

  public func nextArrival(by time: Double) -> Double? {
    guard inbound.failure == nil, !inbound.receiverClosed, let head = inbound.inFlight.first,
      head.arrives <= time
    else { return nil }
    return head.arrives
  }

  public func departed(by time: Double) -> (bytes: UInt64, time: Double) {
    while let first = outbound.departures.first, first.left <= time {
      outbound.settled = first
      outbound.departures.removeFirst()
    }
    return (outbound.settled.bytes, outbound.settled.left)
  }

  public func lastActivity(by time: Double) -> Double? {
    if let arriving = inbound.inFlight.first, arriving.started + link.latency <= time {
      return time
    }
    return inbound.lastArrival
  }

  public var closure: ChannelClosure? {
    if let failure = outbound.failure ?? inbound.failure { return failure }
    if outbound.senderClosed { return .local }
    if inbound.senderClosed, inbound.queue.isEmpty, inbound.inFlight.isEmpty { return .peer }
    return nil
  }

  public var closedAt: Double? {
    switch closure {
    case nil: nil
    case .local?: outbound.senderClosedAt
    case .peer?: max(inbound.senderClosedAt + link.latency, inbound.lastArrival ?? 0)
    case .linkDown?, .reset?: outbound.failedAt ?? inbound.failedAt
    }
  }

  public func close(at time: Double) {
    if !outbound.senderClosed { outbound.senderClosedAt = time }
    outbound.senderClosed = true
    inbound.receiverClosed = true
    inbound.inFlight.removeAll()
  }

  /// The peer's process went away at `time`: this end's connection is reset.
  public func reset(at time: Double) {
    link.fail([self], .reset, at: time)
  }
}
