import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where a connection's one-line reasons go (a daemon's log, a test's list). Called on the
/// connection's event loop; it must not block.
public typealias ConnectionLog = @Sendable (String) -> Void

/// Ends a connection on the first error anywhere below it (a bad frame, a failed TLS handshake,
/// a reset), with one line in the log naming the peer and the reason.
///
/// The error still travels on, so whoever reads the connection's frames sees why it ended. Only
/// the first error is logged: what follows it (bytes arriving while the connection closes) is the
/// same failure.
public final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
  public typealias InboundIn = Frame
  public typealias InboundOut = Frame

  private let label: String
  private let log: ConnectionLog
  private var failed = false

  /// - Parameters:
  ///   - label: names the connection in the log, e.g. `connection from 10.9.8.2:40112`.
  ///   - log: receives one line per failed connection.
  public init(label: String, log: @escaping ConnectionLog) {
    self.label = label
    self.log = log
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireChannelRead(data)
  }

  public func errorCaught(context: ChannelHandlerContext, error: Error) {
    if !failed {
      failed = true
      log("\(label) closed: \(ConnectionFailure.reason(for: error))")
      context.close(promise: nil)
    }
    context.fireErrorCaught(error)
  }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}

/// A connection that could not be made or did not last, with its one-line reason.
public struct ConnectionFailure: Error, CustomStringConvertible, Sendable {
  public let description: String

  public init(_ description: String) {
    self.description = ConnectionFailure.oneLine(description)
  }

  /// The reason `error` ended a connection, in one line and in the words of the layer that
  /// failed: framing, TLS or the socket.
  public static func reason(for error: Error) -> String {
    let text: String
    switch error {
    case let error as FrameError:
      text = error.description
    case let error as ConnectionFailure:
      text = error.description
    case NIOSSLError.handshakeFailed(let cause):
      text = "TLS handshake failed: \(describe(cause))"
    case NIOSSLError.uncleanShutdown:
      text = "the peer closed the connection without ending TLS (killed, or the link broke)"
    case let error as NIOSSLExtraError where error == .failedToValidateHostname:
      text = "TLS handshake failed: the server's certificate is for another host"
    case let error as BoringSSLError:
      text = "TLS failed: \(describe(error))"
    case let error as IOError:
      // The system's words for errno; the name of the call that failed says nothing to a user.
      text = String(cString: strerror(error.errnoCode)).lowercased()
    case let error as NIOConnectionError:
      if let failure = error.connectionErrors.first {
        return reason(for: failure.error)
      } else if let lookup = error.dnsAError ?? error.dnsAAAAError {
        text = "cannot resolve \(error.host): \(reason(for: lookup))"
      } else {
        text = "\(error.host) has no address"
      }
    case ChannelError.connectTimeout(let amount):
      text = "no answer within \(HandshakeWatcher.seconds(amount))"
    default:
      text = String(describing: error)
    }
    return oneLine(text)
  }

  /// BoringSSL's reasons without its numbers and source paths: `Error: 268435648
  /// error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE at …`
  /// becomes `peer did not return a certificate`.
  static func describe(_ error: BoringSSLError) -> String {
    let stack: NIOBoringSSLErrorStack
    switch error {
    case .sslError(let errors), .unknownError(let errors), .invalidSNIName(let errors),
      .failedToSetALPN(let errors):
      stack = errors
    default:
      return String(describing: error)
    }
    let reasons = stack.map { entry -> String in
      if entry == .eofDuringHandshake { return "the peer closed the connection" }
      let text = entry.description
      guard let start = text.range(of: "error:") else { return text }
      var reason = text[start.upperBound...]
      if let at = reason.range(of: " at ") { reason = reason[..<at.lowerBound] }
      let name = reason.split(separator: ":", omittingEmptySubsequences: false).last ?? reason
      return name.replacingOccurrences(of: "_", with: " ").lowercased()
    }
    return reasons.isEmpty ? String(describing: error) : reasons.joined(separator: "; ")
  }

  /// Control characters (line breaks among them) escaped, so a reason stays one line whatever
  /// a peer or a library put in it.
  static func oneLine(_ text: String) -> String {
    var line = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": line += "\\n"
      case "\r": line += "\\r"
      case "\t": line += " "
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        line += "\\u{\(String(scalar.value, radix: 16))}"
      default: line.unicodeScalars.append(scalar)
      }
    }
    return line
  }
}
