import Engine
import Foundation
import Hypervisor
import Migration
import NIOCore
import Network
import Synchronization

/// `ldm-console ldmd`: serves one host of a scenario. Other daemons migrate to it and from it
/// over TCP with mutual TLS 1.3 (plaintext only when asked), consoles attach to it, and
/// SIGTERM or SIGINT stop it cleanly: migrations leaving are cancelled, halves arriving
/// destroyed, so no half-made domain is left anywhere.
public enum Ldmd {
  /// Where another host's daemon listens.
  public struct Peer: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
      self.host = host
      self.port = port
    }
  }

  public struct Options: Sendable {
    public var scenario: Scenario
    public var hostName: String
    public var listenHost: String
    public var listenPort: Int
    public var server: ServerSecurity
    public var client: ClientSecurity
    /// Other hosts' daemons, by host name.
    public var peers: [String: Peer]
    public var settings: EngineSettings

    public init(
      scenario: Scenario, hostName: String, listenHost: String, listenPort: Int,
      server: ServerSecurity, client: ClientSecurity, peers: [String: Peer],
      settings: EngineSettings
    ) {
      self.scenario = scenario
      self.hostName = hostName
      self.listenHost = listenHost
      self.listenPort = listenPort
      self.server = server
      self.client = client
      self.peers = peers
      self.settings = settings
    }
  }

  /// The longest frame a daemon accepts or sends: the protocol's.
  public static let limit = FrameLimit(maximumLength: ProtocolLimits.maxFrameLength)

  /// Runs the daemon until a stop signal; `started` is called with the bound port.
  public static func run(
    _ options: Options, log: @escaping @Sendable (String) -> Void,
    started: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws {
    let client = options.client
    let peers = options.peers
    let engine = try DaemonEngine(
      scenario: options.scenario, hostName: options.hostName, settings: options.settings,
      connect: { target, wake in
        guard let peer = peers[target], let name = try? HostName(target) else { return nil }
        let channel = TCPMigrationChannel(clock: DaemonEngine.clock, wake: wake)
        Task {
          await connect(channel, to: peer, name: name, security: client, log: log)
        }
        return channel
      }, log: log)
    let server: FrameServer
    let reasons = OneReasonPerConnection(log: log)
    do {
      server = try await FrameServer.bind(
        host: options.listenHost, port: options.listenPort, security: options.server,
        limit: limit, log: reasons.line)
    } catch {
      engine.stop()
      throw error
    }
    log(
      "ldmd \(options.hostName): listening on \(options.listenHost):\(server.port)"
        + (isPlaintext(options.server) ? " (plaintext)" : " (mutual TLS 1.3)"))
    started(server.port)
    let clients = ClientNumbers()
    let stopping = StopSignals()
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        try? await server.serve { peer, inbound, outbound in
          let client = clients.next()
          let router = ConnectionRouter(
            engine: engine, peer: peer.description, client: client, log: reasons.line)
          await FramedConnection.run(
            inbound: inbound, outbound: outbound, outgoing: router.outgoing,
            wrote: router.wrote, received: router.received, ended: router.ended)
          // The connection closes after this returns, and its framing may say why once more
          // then (the peer's end inside a frame): the address is remembered a while longer.
          Task {
            try? await Task.sleep(for: .seconds(2))
            reasons.forget(address: peer.address)
          }
        }
      }
      group.addTask {
        let signal = await stopping.next()
        log("ldmd \(options.hostName): \(signal): stopping")
        // Blocking: the engine thread cancels and tears down, then says it is done.
        await Task.detached { engine.stop() }.value
        await server.close()
      }
      await group.next()
      group.cancelAll()
    }
    log("ldmd \(options.hostName): stopped")
  }

  static func isPlaintext(_ security: ServerSecurity) -> Bool {
    if case .plaintext = security { return true }
    return false
  }

  /// Opens a migration connection to `peer` and carries `channel`'s frames over it; a
  /// connection that cannot be made ends the channel, which the source reads as an
  /// unreachable target.
  static func connect(
    _ channel: TCPMigrationChannel, to peer: Peer, name: HostName, security: ClientSecurity,
    log: @escaping @Sendable (String) -> Void
  ) async {
    do {
      let connection = try await FrameClient.connect(
        host: peer.host, port: peer.port, expectedName: name, security: security, limit: limit,
        log: log)
      try await connection.executeThenClose { inbound, outbound in
        await FramedConnection.run(
          inbound: inbound, outbound: outbound, outgoing: channel.outgoing,
          wrote: channel.wrote, received: channel.deliver, ended: channel.ended)
      }
    } catch {
      log("\(error)")
      channel.fail()
    }
  }
}

/// Numbers the connections, so that each console's reports reach it.
final class ClientNumbers: Sendable {
  private let last = Mutex(0)

  func next() -> Int {
    last.withLock { count in
      count += 1
      return count
    }
  }
}

/// SIGTERM and SIGINT, as an async wait.
final class StopSignals: Sendable {
  private let sources: Mutex<[DispatchSourceSignal]>
  private let stream: AsyncStream<String>

  init() {
    let (stream, continuation) = AsyncStream.makeStream(of: String.self)
    self.stream = stream
    var sources: [DispatchSourceSignal] = []
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { continuation.yield(name) }
      source.resume()
      sources.append(source)
    }
    self.sources = Mutex(sources)
  }

  func next() async -> String {
    for await name in stream { return name }
    return "end"
  }
}
