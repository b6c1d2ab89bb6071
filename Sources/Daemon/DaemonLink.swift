import DequeModule
import Engine
import Foundation
import LdmCommands
import Migration
import NIOConcurrencyHelpers
import NIOCore
import Network

/// A console's (or `run --connect`'s) control connection to one daemon: it keeps the host's
/// latest state, the events and the reports as they come, sends commands, and reconnects when
/// the daemon is lost, so that nothing else breaks.
public final class DaemonLink: Sendable {
  /// Where the link stands, for the console to show on the host's pane.
  public enum Status: Sendable, Equatable {
    case connecting
    case connected
    /// The daemon went away or could not be reached; a new attempt follows.
    case lost(String)
  }

  struct State {
    var status = Status.connecting
    var snapshot: DatacenterSnapshot?
    var events: Deque<MigrationEvent> = []
    var reports: [EngineReport] = []
    var outbox: AsyncStream<[UInt8]>.Continuation?
    var unsent: [EngineCommand] = []
    var stopped = false
    /// The last event received, so that a reconnect does not bring them again.
    var cursor: ControlMessage.EventCursor?
  }

  /// The host the daemon serves, as the scenario names it (its certificate's name).
  public let host: String
  public let address: Ldmd.Peer
  let security: ClientSecurity
  let log: @Sendable (String) -> Void
  private let state = NIOLockedValueBox(State())
  private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
  /// Seconds between two attempts to reach a lost daemon.
  public static let retry = 1.0

  public init(
    host: String, address: Ldmd.Peer, security: ClientSecurity,
    log: @escaping @Sendable (String) -> Void
  ) {
    self.host = host
    self.address = address
    self.security = security
    self.log = log
  }

  /// Connects, and keeps reconnecting until ``stop()``.
  ///
  /// - Parameter executor: where the link's task runs; nil (the default) is Swift
  ///   concurrency's global pool. A caller whose own work holds that pool's threads (a test
  ///   suite beside CPU-bound tests) gives the link threads that answer at once.
  public func start(on executor: (any TaskExecutor)? = nil) {
    let task = Task(executorPreference: executor) { [self] in
      while !Task.isCancelled, !state.withLockedValue({ $0.stopped }) {
        await connectOnce()
        try? await Task.sleep(for: .seconds(Self.retry))
      }
    }
    self.task.withLockedValue { $0 = task }
  }

  public func stop() {
    let outbox = state.withLockedValue { state -> AsyncStream<[UInt8]>.Continuation? in
      state.stopped = true
      return state.outbox
    }
    outbox?.finish()
    task.withLockedValue { $0?.cancel() }
  }

  /// Sends a command now, or once first connected. While the daemon is lost the command is
  /// refused at once (its answer comes with the next poll): carried out on a reconnect later,
  /// it would act when nobody expects it any more.
  public func send(_ command: EngineCommand) {
    let outbox = state.withLockedValue { state -> AsyncStream<[UInt8]>.Continuation? in
      if state.outbox == nil {
        if case .lost(let reason) = state.status {
          if command.ticket != 0 {
            state.reports.append(
              .refused(
                ticket: command.ticket,
                lines: ["ldm-console: ldmd on \(host) is unreachable (\(reason)); nothing was done"]
              ))
          }
        } else {
          state.unsent.append(command)
        }
      }
      return state.outbox
    }
    outbox?.yield(ControlMessage.command(command).frame())
  }

  /// The state as last received, the events and reports since the last call.
  public func poll() -> (
    status: Status, snapshot: DatacenterSnapshot?, events: [MigrationEvent],
    reports: [EngineReport]
  ) {
    state.withLockedValue { state in
      // Array(_:) of an empty Deque writes the count of the runtime's one shared empty array
      // (ContiguousArray(unsafeUninitializedCapacity: 0)), which every other thread reads:
      // a race ThreadSanitizer reports. An empty result is made without it.
      let events = state.events.isEmpty ? [] : Array(state.events)
      let result = (state.status, state.snapshot, events, state.reports)
      state.events.removeAll()
      state.reports.removeAll()
      return result
    }
  }

  private func connectOnce() async {
    guard let name = try? HostName(host) else {
      return state.withLockedValue { $0.status = .lost("\(host) is not a host name") }
    }
    do {
      let connection = try await FrameClient.connect(
        host: address.host, port: address.port, expectedName: name, security: security,
        limit: Ldmd.limit, timeout: .seconds(5), log: log)
      let (outgoing, outbox) = AsyncStream.makeStream(of: [UInt8].self)
      let unsent = state.withLockedValue { state -> [EngineCommand] in
        outbox.yield(
          ControlMessage.hello(
            version: ControlMessage.version, client: "console", resume: state.cursor
          ).frame())
        state.outbox = outbox
        defer { state.unsent = [] }
        return state.unsent
      }
      for command in unsent { outbox.yield(ControlMessage.command(command).frame()) }
      try await connection.executeThenClose { inbound, outbound in
        await FramedConnection.run(
          inbound: inbound, outbound: outbound, outgoing: outgoing, wrote: { _ in },
          received: { [self] frame in received(frame) }, ended: { _ in outbox.finish() })
      }
      lose("it closed the connection")
    } catch {
      lose("\(error)")
    }
  }

  private func lose(_ reason: String) {
    state.withLockedValue { state in
      state.outbox = nil
      if !state.stopped { state.status = .lost(reason) }
    }
  }

  private func received(_ frame: Frame) {
    guard let message = try? ControlMessage.decode(body: Array(frame.body)) else {
      return lose("it sent a control message that does not decode")
    }
    state.withLockedValue { state in
      switch message {
      case .welcome(_, let served, let boot):
        guard served == host else {
          state.status = .lost(
            "the ldmd at \(address.host):\(address.port) serves \(served), not \(host)")
          state.outbox?.finish()
          return
        }
        if state.cursor?.boot != boot {
          // A new run of the daemon: its events are numbered afresh.
          state.cursor = ControlMessage.EventCursor(boot: boot, sequence: 0)
        }
        state.status = .connected
      case .state(let snapshot, let events, let through):
        state.snapshot = snapshot
        state.events.append(contentsOf: events)
        while state.events.count > 1000 { state.events.removeFirst() }
        state.cursor?.sequence = through
      case .report(let report):
        state.reports.append(report)
      case .refused(let reason):
        state.status = .lost("ldmd on \(host) refused the console: \(reason)")
      case .hello, .command:
        break
      }
    }
  }
}
