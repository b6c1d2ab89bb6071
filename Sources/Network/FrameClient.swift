import NIOCore
import NIOPosix
import NIOSSL

/// Opens connections that carry frames: what a source daemon opens to a target, and the
/// console to each daemon.
public enum FrameClient {
  /// Connects to `host:port` and returns once the connection is ready (TCP connected, TLS
  /// handshake done and the server's certificate verified for `expectedName`).
  ///
  /// In TLS 1.3 the server judges the client's certificate after the client's side of the
  /// handshake is done: a server that refuses it closes the connection, which the first read
  /// reports.
  ///
  /// - Parameters:
  ///   - host: an address or a name to resolve.
  ///   - expectedName: the host name the server's certificate must carry (daemons are reached
  ///     by address inside network namespaces, so the name is given, not derived).
  ///   - log: one line if the connection later ends in an error.
  /// - Throws: ``ConnectionFailure`` with one line naming the server and the reason.
  public static func connect(
    host: String, port: Int, expectedName: HostName, security: ClientSecurity,
    limit: FrameLimit, timeout: TimeAmount = .seconds(10), log: @escaping ConnectionLog,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws -> FrameChannel {
    let server = "\(expectedName) (\(host):\(port))"
    let (channel, ready): (FrameChannel, EventLoopFuture<Void>)
    do {
      (channel, ready) = try await ClientBootstrap(group: group)
        .connectTimeout(timeout)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .channelOption(.recvAllocator, value: FramedPipeline.receiveBuffers)
        .connect(host: host, port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            let ready = channel.eventLoop.makePromise(of: Void.self)
            switch security {
            case .mutualTLS(let context):
              try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: expectedName.value))
              try channel.pipeline.syncOperations.addHandler(
                HandshakeWatcher(promise: ready, timeout: timeout))
            case .plaintext:
              ready.succeed(())
            }
            let framed = try FramedPipeline.addFraming(
              to: channel, limit: limit, label: "connection to \(server)", log: log)
            return (framed, ready.futureResult)
          }
        }
    } catch {
      throw ConnectionFailure(
        "cannot connect to \(server): \(ConnectionFailure.reason(for: error))")
    }
    do {
      try await ready.get()
    } catch {
      try? await channel.channel.close()
      throw ConnectionFailure(
        "cannot connect to \(server): \(ConnectionFailure.reason(for: error))")
    }
    return channel
  }
}
