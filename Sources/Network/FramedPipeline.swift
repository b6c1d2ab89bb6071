import NIOCore
import NIOSSL
import X509

/// A connection carrying frames, once it is ready: TLS (if any) has completed its handshake.
/// Frames come in as ``Frame`` (as they were on the wire) and go out as `ByteBuffer`s without
/// their length, which the encoder adds.
public typealias FrameChannel = NIOAsyncChannel<Frame, ByteBuffer>

/// The far end of a ready connection.
public struct FramePeer: Sendable, CustomStringConvertible {
  /// `ADDRESS:PORT`.
  public let address: String
  /// The DNS name in the peer's verified certificate (a host name, or `console`); nil in
  /// plaintext.
  public let certificateName: String?

  public var description: String {
    certificateName.map { "\($0) (\(address))" } ?? address
  }
}

/// Builds the handlers of a framed connection, the same for both ends.
enum FramedPipeline {
  /// Reads of up to 1 MiB (NIO's default stops at 64 KiB): a migration's page batches are half
  /// a megabyte, and a read that takes one whole costs one pass through the pipeline instead
  /// of eight. Reads shrink again on connections that carry little.
  static let receiveBuffers = AdaptiveRecvByteBufferAllocator(
    minimum: 64, initial: 2048, maximum: 1 << 20)

  /// Adds, after any TLS handler: the frame decoder, the encoder and the ``ConnectionGuard``;
  /// then wraps the channel for async use. Runs on the channel's event loop.
  static func addFraming(
    to channel: Channel, limit: FrameLimit, label: String, log: @escaping ConnectionLog
  ) throws -> FrameChannel {
    let operations = channel.pipeline.syncOperations
    try operations.addHandler(FrameDecoder(limit: limit))
    try operations.addHandler(FrameEncoder(limit: limit))
    try operations.addHandler(ConnectionGuard(label: label, log: log))
    return try FrameChannel(wrappingChannelSynchronously: channel)
  }

  /// `ADDRESS:PORT` of an address (`[IPv4]10.0.0.1/10.0.0.1:9000` as NIO prints it says more than a
  /// log line needs).
  static func text(_ address: SocketAddress?) -> String {
    guard let address else { return "an unknown address" }
    guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
    return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
  }

  /// The DNS name of the peer's certificate, read after the handshake.
  static func certificateName(of channel: Channel) -> String? {
    guard let certificate = try? channel.pipeline.syncOperations.nioSSL_peerCertificate(),
      let bytes = try? certificate.toDERBytes(),
      let parsed = try? Certificate(derEncoded: bytes),
      let names = try? parsed.extensions.subjectAlternativeNames
    else { return nil }
    for name in names {
      if case .dnsName(let dnsName) = name { return dnsName }
    }
    return nil
  }
}
