import NIOCore
import NIOPosix
import NIOSSL

/// A listening socket whose connections carry frames: what a daemon serves on.
///
/// A connection reaches the handler only once it is ready: with TLS, after a handshake in
/// which the peer presented a certificate signed by the CA. Everything else (no certificate,
/// another CA's, plaintext to a TLS port, garbage, an oversized or empty frame, silence during
/// the handshake) ends that connection alone, with one line in the log.
public final class FrameServer: Sendable {
  /// An accepted connection, with its peer once it is ready.
  ///
  /// NIO starts a connection only when its initializer's future completes, so the initializer
  /// cannot wait for the handshake: the wait happens in the connection's own task.
  private struct Accepted: Sendable {
    let channel: FrameChannel
    let ready: EventLoopFuture<FramePeer>
  }

  private let listener: NIOAsyncChannel<Accepted, Never>
  /// The address the server is bound to (with the port the system chose for port 0).
  public let localAddress: SocketAddress

  /// The bound port.
  public var port: Int { localAddress.port ?? 0 }

  private init(listener: NIOAsyncChannel<Accepted, Never>, localAddress: SocketAddress) {
    self.listener = listener
    self.localAddress = localAddress
  }

  /// Binds to `host:port` (port 0: any free port, see ``port``).
  ///
  /// - Parameters:
  ///   - security: mutual TLS, or plaintext when asked for explicitly.
  ///   - limit: the longest frame accepted or sent.
  ///   - handshakeTimeout: how long a TLS peer may take to complete its handshake.
  ///   - log: one line for each connection that ends in an error, naming the peer and the reason.
  public static func bind(
    host: String, port: Int, security: ServerSecurity, limit: FrameLimit,
    handshakeTimeout: TimeAmount = .seconds(10), log: @escaping ConnectionLog,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws -> FrameServer {
    let listener = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.recvAllocator, value: FramedPipeline.receiveBuffers)
      .bind(host: host, port: port) { channel in
        accept(
          channel, security: security, limit: limit, handshakeTimeout: handshakeTimeout,
          log: log)
      }
    guard let localAddress = listener.channel.localAddress else {
      try? await listener.channel.close()
      throw ConnectionFailure("cannot listen on \(host):\(port): no local address")
    }
    return FrameServer(listener: listener, localAddress: localAddress)
  }

  /// Serves every ready connection with `handler`, each in a task of its own, until the
  /// calling task is cancelled or ``close()`` is called; then closes the listener and every
  /// connection. A connection is closed when its handler returns.
  ///
  /// The handler reads frames from `inbound` (it throws the reason if the connection fails) and
  /// writes frames to `outbound`. Whatever it does, only its own connection is affected. It
  /// should return when its task is cancelled (reading `inbound` then ends), or shutting down
  /// waits for it.
  public func serve(
    _ handler:
      @escaping @Sendable (
        FramePeer, NIOAsyncChannelInboundStream<Frame>,
        NIOAsyncChannelOutboundWriter<ByteBuffer>
      ) async -> Void
  ) async throws {
    try await listener.executeThenClose { connections in
      try await withThrowingDiscardingTaskGroup { group in
        for try await accepted in connections {
          group.addTask {
            // A connection's own failure has been logged by its ConnectionGuard; it must not
            // end the server.
            // Shutting down must not wait for a handshake to finish or time out.
            let ready = try? await withTaskCancellationHandler {
              try await accepted.ready.get()
            } onCancel: {
              accepted.channel.channel.close(promise: nil)
            }
            guard let peer = ready else {
              try? await accepted.channel.channel.close()
              return
            }
            try? await accepted.channel.executeThenClose { inbound, outbound in
              await handler(peer, inbound, outbound)
            }
          }
        }
        // The listener is closed: its connections end with it.
        group.cancelAll()
      }
    }
  }

  /// Stops listening; ``serve(_:)`` then closes every connection and returns.
  public func close() async {
    try? await listener.channel.close()
  }

  /// Sets up one accepted connection. Its `ready` future succeeds when the connection is
  /// ready for frames; a connection that never gets ready never reaches the handler.
  private static func accept(
    _ channel: Channel, security: ServerSecurity, limit: FrameLimit,
    handshakeTimeout: TimeAmount, log: @escaping ConnectionLog
  ) -> EventLoopFuture<Accepted> {
    channel.eventLoop.makeCompletedFuture {
      let address = FramedPipeline.text(channel.remoteAddress)
      let ready = channel.eventLoop.makePromise(of: Void.self)
      switch security {
      case .mutualTLS(let context):
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        try channel.pipeline.syncOperations.addHandler(
          HandshakeWatcher(promise: ready, timeout: handshakeTimeout))
      case .plaintext:
        ready.succeed(())
      }
      let framed = try FramedPipeline.addFraming(
        to: channel, limit: limit, label: "connection from \(address)", log: log)
      let peer = ready.futureResult.map {
        FramePeer(address: address, certificateName: FramedPipeline.certificateName(of: channel))
      }
      return Accepted(channel: framed, ready: peer)
    }
    .flatMapErrorThrowing { error in
      channel.close(promise: nil)
      throw error
    }
  }
}
