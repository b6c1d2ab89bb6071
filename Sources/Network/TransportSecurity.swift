import NIOCore
import NIOSSL
import NIOTLS

/// TLS as every daemon and console uses it: TLS 1.3 only, one CA, a certificate on both sides.
public enum MutualTLS {
  /// A daemon's side: it presents its host certificate and requires one from the peer, signed by
  /// the CA. A peer without one gets nothing but a failed handshake.
  ///
  /// The peer's certificate is verified against the CA, not against the peer's address (a
  /// connecting party has no name to check it against); its name is read after the handshake.
  public static func serverConfiguration(_ identity: TLSIdentity) -> TLSConfiguration {
    var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
      certificateChain: [.certificate(identity.certificate)],
      privateKey: .privateKey(identity.privateKey),
      trustRoots: .certificates([identity.authority]))
    configuration.minimumTLSVersion = .tlsv13
    configuration.maximumTLSVersion = .tlsv13
    configuration.certificateVerification = .noHostnameVerification
    return configuration
  }

  /// A connecting side (the source daemon, the console): it presents its certificate and
  /// verifies the server's against the CA and against the host name it expects (given with each
  /// connection, since daemons are reached by address).
  public static func clientConfiguration(_ identity: TLSIdentity) -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.minimumTLSVersion = .tlsv13
    configuration.maximumTLSVersion = .tlsv13
    configuration.certificateVerification = .fullVerification
    configuration.trustRoots = .certificates([identity.authority])
    configuration.certificateChain = [.certificate(identity.certificate)]
    configuration.privateKey = .privateKey(identity.privateKey)
    return configuration
  }
}

/// How a listening side protects its connections.
public enum ServerSecurity: Sendable {
  /// Mutual TLS (``MutualTLS/serverConfiguration(_:)``): the default.
  case mutualTLS(NIOSSLContext)
  /// Bytes in the clear. Only when asked for explicitly (`--insecure`), never as a fallback.
  case plaintext

  /// Mutual TLS with this identity.
  public static func mutualTLS(identity: TLSIdentity) throws -> ServerSecurity {
    .mutualTLS(try NIOSSLContext(configuration: MutualTLS.serverConfiguration(identity)))
  }
}

/// How a connecting side protects its connections.
public enum ClientSecurity: Sendable {
  /// Mutual TLS (``MutualTLS/clientConfiguration(_:)``): the default.
  case mutualTLS(NIOSSLContext)
  /// Bytes in the clear. Only when asked for explicitly (`--insecure`), never as a fallback.
  case plaintext

  /// Mutual TLS with this identity.
  public static func mutualTLS(identity: TLSIdentity) throws -> ClientSecurity {
    .mutualTLS(try NIOSSLContext(configuration: MutualTLS.clientConfiguration(identity)))
  }
}

/// Fulfils a promise when the connection is ready for frames: when the TLS handshake has
/// completed, or failed, or not completed within the time allowed (a peer that connects and
/// says nothing holds nothing for long).
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let promise: EventLoopPromise<Void>
  private let timeout: TimeAmount
  private var timer: Scheduled<Void>?
  private var settled = false

  init(promise: EventLoopPromise<Void>, timeout: TimeAmount) {
    self.promise = promise
    self.timeout = timeout
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { startTimer(context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    startTimer(context: context)
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireChannelRead(data)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted = event as? TLSUserEvent {
      settle(.success(()))
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    settle(.failure(error))
    context.fireErrorCaught(error)
  }

  func channelInactive(context: ChannelHandlerContext) {
    settle(.failure(ConnectionFailure("the connection closed during the TLS handshake")))
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    settle(.failure(ConnectionFailure("the connection closed during the TLS handshake")))
  }

  private func startTimer(context: ChannelHandlerContext) {
    guard timer == nil, !settled else { return }
    let timeout = timeout
    timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
      guard let self, !self.settled else { return }
      let failure = ConnectionFailure("no TLS handshake within \(Self.seconds(timeout))")
      self.settle(.failure(failure))
      // Through the pipeline, so the ConnectionGuard logs it and closes the connection.
      context.fireErrorCaught(failure)
    }
  }

  private func settle(_ result: Result<Void, Error>) {
    guard !settled else { return }
    settled = true
    timer?.cancel()
    timer = nil
    promise.completeWith(result)
  }

  static func seconds(_ amount: TimeAmount) -> String {
    let milliseconds = amount.nanoseconds / 1_000_000
    return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
  }
}

@available(*, unavailable)
extension HandshakeWatcher: Sendable {}
