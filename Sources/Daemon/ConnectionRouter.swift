import Engine
import Foundation
import Migration
import NIOConcurrencyHelpers
import NIOCore
import Network

/// One accepted connection, before and after its first frame tells what it is: a migration
/// from another daemon (a HELLO, or a CHANNEL-JOIN for a page channel) goes to the engine as a ``TCPMigrationChannel``; a control
/// hello becomes a ``ControlSession``; anything else is refused and closed.
final class ConnectionRouter: Sendable {
  enum Route: Sendable {
    case undecided
    case migration(TCPMigrationChannel)
    case control(ControlSession)
    case refused
  }

  private let route = NIOLockedValueBox(Route.undecided)
  private let outbox: AsyncStream<[UInt8]>.Continuation
  let outgoing: AsyncStream<[UInt8]>
  let engine: DaemonEngine
  let peer: String
  let client: Int
  let log: @Sendable (String) -> Void

  init(engine: DaemonEngine, peer: String, client: Int, log: @escaping @Sendable (String) -> Void) {
    self.engine = engine
    self.peer = peer
    self.client = client
    self.log = log
    (outgoing, outbox) = AsyncStream.makeStream(of: [UInt8].self)
  }

  func received(_ frame: Frame) async {
    let current = route.withLockedValue { $0 }
    switch current {
    case .migration(let channel): await channel.deliver(frame)
    case .control(let session): session.received(frame)
    case .refused: break
    case .undecided: await decide(frame)
    }
  }

  private func decide(_ frame: Frame) async {
    let type = frame.body.first
    switch type {
    case MessageType.hello.rawValue?, MessageType.joinChannel.rawValue?:
      // A migration's main connection, or one of its page channels: the engine's manager
      // hands a page channel to the migration its CHANNEL-JOIN names.
      let channel = TCPMigrationChannel(clock: DaemonEngine.clock, wake: engine.wake)
      route.withLockedValue { $0 = .migration(channel) }
      forward(channel.outgoing)
      await channel.deliver(frame)
      engine.accept(channel)
    case ControlMessage.frameType?:
      let session = ControlSession(engine: engine, client: client, log: log)
      route.withLockedValue { $0 = .control(session) }
      forward(session.outgoing)
      session.received(frame)
    default:
      route.withLockedValue { $0 = .refused }
      let code = type.map { "0x" + String($0, radix: 16) } ?? "none"
      log(
        "connection from \(peer) closed: its first frame (type \(code)) is neither a migration"
          + " HELLO, a CHANNEL-JOIN nor a control hello")
      outbox.finish()
    }
  }

  /// Frames the consumer writes go out on this connection; when it is done, so is this.
  private func forward(_ frames: AsyncStream<[UInt8]>) {
    let outbox = self.outbox
    Task {
      for await frame in frames { outbox.yield(frame) }
      outbox.finish()
    }
  }

  func wrote(_ count: Int) {
    if case .migration(let channel) = route.withLockedValue({ $0 }) { channel.wrote(count) }
  }

  func ended(failed: Bool) {
    switch route.withLockedValue({ $0 }) {
    case .migration(let channel): channel.ended(failed: failed)
    case .control(let session): session.ended()
    case .undecided, .refused: break
    }
    outbox.finish()
  }
}

/// A console attached to the daemon: it sends commands; the daemon sends its host's state and
/// events a few times a second, and the reports of the console's commands.
final class ControlSession: Sendable {
  private let outbox: AsyncStream<[UInt8]>.Continuation
  let outgoing: AsyncStream<[UInt8]>
  let engine: DaemonEngine
  let client: Int
  let log: @Sendable (String) -> Void
  private let greeted = NIOLockedValueBox(false)
  private let poller = NIOLockedValueBox<Task<Void, Never>?>(nil)
  /// Seconds between two states sent.
  static let period = 0.1

  init(engine: DaemonEngine, client: Int, log: @escaping @Sendable (String) -> Void) {
    self.engine = engine
    self.client = client
    self.log = log
    (outgoing, outbox) = AsyncStream.makeStream(of: [UInt8].self)
  }

  func received(_ frame: Frame) {
    let body = Array(frame.body)
    let message: ControlMessage
    do {
      message = try ControlMessage.decode(body: body)
    } catch {
      log("control connection \(client) closed: \(error)")
      return finish()
    }
    switch message {
    case .hello(let version, _, let resume) where !greeted.withLockedValue({ $0 }):
      guard version == ControlMessage.version else {
        send(
          .refused("control protocol \(version) is not spoken here (\(ControlMessage.version) is)"))
        return finish()
      }
      greeted.withLockedValue { $0 = true }
      send(.welcome(version: ControlMessage.version, host: engine.hostName, boot: engine.boot))
      // Events of this run the console already has are not sent again.
      startPolling(after: resume?.boot == engine.boot ? resume?.sequence ?? 0 : 0)
    case .command(let command) where greeted.withLockedValue({ $0 }):
      engine.send(command, from: client)
    default:
      log("control connection \(client) closed: unexpected control message")
      finish()
    }
  }

  func send(_ message: ControlMessage) { outbox.yield(message.frame()) }

  private func startPolling(after first: Int) {
    let task = Task { [self] in
      var sequence = first
      var last: DatacenterSnapshot?
      while !Task.isCancelled {
        let (snapshot, events, reports) = engine.poll(client: client, after: sequence)
        sequence = events.last?.sequence ?? sequence
        if let snapshot, snapshot != last || !events.isEmpty {
          send(.state(snapshot, events: events.map(\.event), through: sequence))
          last = snapshot
        }
        for report in reports { send(.report(report)) }
        try? await Task.sleep(for: .seconds(Self.period))
      }
    }
    poller.withLockedValue { $0 = task }
  }

  func ended() {
    poller.withLockedValue { $0?.cancel() }
    engine.detach(client: client)
    outbox.finish()
  }

  private func finish() {
    ended()
  }
}

/// One reason in the log for each closed connection: a first frame the router refuses and the
/// framing's error over the bytes after it are the same bad peer, and only the first is said.
final class OneReasonPerConnection: Sendable {
  private let said = NIOLockedValueBox<Set<String>>([])
  private let log: @Sendable (String) -> Void

  init(log: @escaping @Sendable (String) -> Void) {
    self.log = log
  }

  /// Passes `line` on, unless it is a second reason for a connection that already has one.
  /// A connection is named by its address: `connection from ADDR closed: …`, or with its
  /// certificate's name, `connection from NAME (ADDR) closed: …`.
  func line(_ line: String) {
    let opening = "connection from "
    if line.hasPrefix(opening), let closed = line.range(of: " closed: ") {
      var peer = line[line.index(line.startIndex, offsetBy: opening.count)..<closed.lowerBound]
      if peer.hasSuffix(")"), let open = peer.lastIndex(of: "(") {
        peer = peer[peer.index(after: open)..<peer.index(before: peer.endIndex)]
      }
      let address = String(peer)
      guard said.withLockedValue({ $0.insert(address).inserted }) else { return }
    }
    log(line)
  }

  /// The connection is over: its address may come again, for another connection.
  func forget(address: String) {
    _ = said.withLockedValue { $0.remove(address) }
  }
}
