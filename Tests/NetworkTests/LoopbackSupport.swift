import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Network
import Synchronization

/// The frame limit of the loopback tests (the protocol's is 16 MiB; a smaller one keeps the
/// oversized cases cheap).
let testLimit = FrameLimit(maximumLength: 1 << 20)

let hostA = try! HostName("sparc-t4-a")
let hostB = try! HostName("sparc-t4-b")

/// A CA and identities made in memory, as `ldm-console certs` makes them.
struct TestPKI {
  let authority: CertificateAuthority

  init() throws {
    authority = try CertificateAuthority()
  }

  func identity(_ identity: CertificateIdentity) throws -> TLSIdentity {
    try TLSIdentity(issued: authority.issue(identity), authority: authority)
  }

  func server(_ host: HostName = hostB) throws -> ServerSecurity {
    try .mutualTLS(identity: identity(.host(host)))
  }

  func client(_ identity: CertificateIdentity = .host(hostA)) throws -> ClientSecurity {
    try .mutualTLS(identity: self.identity(identity))
  }
}

/// The peers the echo server served, in order.
final class ServedPeers: Sendable {
  private let storage = Mutex<[FramePeer]>([])

  func append(_ peer: FramePeer) { storage.withLock { $0.append(peer) } }
  var all: [FramePeer] { storage.withLock { $0 } }
}

/// A framed server on 127.0.0.1 with a port the system chose, for the length of `body`: it
/// greets each ready connection with `hello NAME` (the name in the peer's certificate, or
/// `stranger`) unless told not to, and echoes every frame. It is closed, with all its connections, however `body`
/// ends.
func withEchoServer(
  security: ServerSecurity, limit: FrameLimit = testLimit,
  handshakeTimeout: TimeAmount = .seconds(10), greets: Bool = true,
  _ body: @escaping @Sendable (FrameServer, LogRecorder, ServedPeers) async throws -> Void
) async throws {
  let log = LogRecorder()
  let peers = ServedPeers()
  let server = try await FrameServer.bind(
    host: "127.0.0.1", port: 0, security: security, limit: limit,
    handshakeTimeout: handshakeTimeout, log: log.log)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask {
      try await server.serve { peer, inbound, outbound in
        peers.append(peer)
        do {
          if greets {
            try await outbound.write(
              ByteBuffer(string: "hello \(peer.certificateName ?? "stranger")"))
          }
          for try await frame in inbound { try await outbound.write(frame.buffer) }
        } catch {}
      }
    }
    do {
      try await within(seconds: 120, "the test's exchanges") { try await body(server, log, peers) }
    } catch {
      await server.close()
      group.cancelAll()
      throw error
    }
    await server.close()
    try await group.waitForAll()
  }
}

/// A client that the server should accept: it reads the greeting, sends `frames` and reads
/// their echoes.
func echo(
  port: Int, security: ClientSecurity, expecting name: HostName = hostB, frames: [[UInt8]],
  limit: FrameLimit = testLimit, log: LogRecorder = LogRecorder()
) async throws -> (greeting: String, echoes: [[UInt8]]) {
  let channel = try await FrameClient.connect(
    host: "127.0.0.1", port: port, expectedName: name, security: security, limit: limit,
    log: log.log)
  return try await channel.executeThenClose { inbound, outbound in
    var frameIterator = inbound.makeAsyncIterator()
    guard let greeting = try await frameIterator.next() else {
      throw ConnectionFailure("closed before the greeting")
    }
    var echoes: [[UInt8]] = []
    for frame in frames {
      try await outbound.write(ByteBuffer(bytes: frame))
      guard let answer = try await frameIterator.next() else {
        throw ConnectionFailure("closed before the echo of frame \(echoes.count)")
      }
      echoes.append(answer.bytes)
    }
    return (greeting.text, echoes)
  }
}

/// What a client the server should refuse saw: how many frames reached it (none, if refused)
/// and how its connection ended.
struct Attempt {
  var framesReceived = 0
  var ending = ""
}

func attempt(
  port: Int, security: ClientSecurity, expecting name: HostName = hostB, send: [UInt8]? = [1],
  limit: FrameLimit = testLimit
) async throws -> Attempt {
  let channel: FrameChannel
  do {
    channel = try await FrameClient.connect(
      host: "127.0.0.1", port: port, expectedName: name, security: security, limit: limit,
      log: { _ in })
  } catch {
    return Attempt(ending: "connect failed: \(error)")
  }
  return try await channel.executeThenClose { inbound, outbound in
    var attempt = Attempt()
    if let send {
      do { try await outbound.write(ByteBuffer(bytes: send)) } catch {}
    }
    do {
      for try await _ in inbound { attempt.framesReceived += 1 }
      attempt.ending = "closed by the server"
    } catch {
      attempt.ending = "read failed: \(ConnectionFailure.reason(for: error))"
    }
    return attempt
  }
}

/// Plain TCP, no framing and no TLS: writes `bytes`, closes its side if `closeOutput`, and
/// returns every byte received until the server closes the connection.
func rawExchange(port: Int, bytes: [UInt8], closeOutput: Bool) async throws -> [UInt8] {
  let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .channelOption(.allowRemoteHalfClosure, value: true)
    .connect(host: "127.0.0.1", port: port) { channel in
      channel.eventLoop.makeCompletedFuture {
        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
          wrappingChannelSynchronously: channel,
          configuration: .init(isOutboundHalfClosureEnabled: true))
      }
    }
  return try await channel.executeThenClose { inbound, outbound in
    do {
      if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
      if closeOutput { outbound.finish() }
    } catch {
      // The server may already have closed: what it sent is still read below.
    }
    var received: [UInt8] = []
    do {
      for try await buffer in inbound { received += buffer.bytes }
    } catch {
      // A reset ends the connection as a close does.
    }
    return received
  }
}
