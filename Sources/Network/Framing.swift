import NIOCore

/// The framing every connection between daemons and consoles uses: a 4-byte big-endian length
/// `L`, then `L` bytes (the first is the message type, which this layer does not interpret).
///
/// `L` is at least 1 and at most ``maximumLength``, which the protocol chooses. A longer `L` is
/// refused as soon as its four bytes arrive, before a byte of the frame is awaited or buffered,
/// so a peer cannot make a daemon hold more than one maximum-sized frame per connection.
public struct FrameLimit: Sendable, Hashable {
  /// The size of the length field in front of every frame.
  public static let headerSize = 4

  /// The longest frame accepted or sent, in bytes after the length field.
  public let maximumLength: Int

  /// - Parameter maximumLength: 1 ... 4 GiB - 1 (what a 4-byte length can say).
  public init(maximumLength: Int) {
    precondition(
      (1...Int(UInt32.max)).contains(maximumLength),
      "a frame limit is 1 ... \(UInt32.max) bytes, not \(maximumLength)")
    self.maximumLength = maximumLength
  }
}

/// Why a stream of bytes is not a stream of frames. Each ends the connection it arrived on.
public enum FrameError: Error, Hashable, CustomStringConvertible {
  /// A length field of 0: every frame holds at least its message type.
  case empty
  /// A length field over the limit, refused before the frame was read.
  case tooLong(length: UInt64, maximum: Int)
  /// The stream ended inside a frame: `received` bytes of a `needed`-byte length field or frame.
  case truncated(received: Int, needed: Int, inHeader: Bool)

  public var description: String {
    switch self {
    case .empty:
      return "frame length 0 (a frame holds at least its message type)"
    case .tooLong(let length, let maximum):
      return "frame length \(length) is over the maximum \(maximum)"
    case .truncated(let received, let needed, let inHeader):
      let part = inHeader ? "length field" : "frame"
      return "connection ended inside a frame (\(received) of the \(needed) bytes of its \(part))"
    }
  }
}

/// One frame as it came off the wire: its 4-byte length field, then its bytes (the message
/// type first). The migration protocol's decoder reads frames in this form, so a frame read from
/// a socket reaches it without another copy.
public struct Frame: Sendable, Hashable {
  /// The length field and the frame's bytes.
  public let wire: [UInt8]

  /// A frame as its wire bytes; `wire` holds a length field that matches what follows it.
  public init(wire: [UInt8]) {
    precondition(wire.count > FrameLimit.headerSize, "a frame holds its length and a type")
    self.wire = wire
  }

  /// The frame's bytes after the length field: the message type, then its payload.
  public var body: ArraySlice<UInt8> { wire[FrameLimit.headerSize...] }
}

/// Splits a byte stream into frames.
///
/// Each frame is assembled once, straight from the buffers the socket (or TLS) hands up, into
/// the array it is delivered in: nothing is accumulated and compacted behind it, as a
/// `ByteToMessageDecoder` would do for frames of half a megabyte arriving in 64 KiB reads (a
/// copy and a move of every byte, measured as a tenth of a migration target's CPU).
///
/// A bad length is a ``FrameError`` fired down the pipeline, where ``ConnectionGuard`` logs it
/// and closes the connection; nothing that arrives after it is read. A stream that ends inside
/// a frame is a ``FrameError/truncated(received:needed:inHeader:)`` the same way.
public final class FrameDecoder: ChannelInboundHandler, RemovableChannelHandler {
  public typealias InboundIn = ByteBuffer
  public typealias InboundOut = Frame

  private let limit: FrameLimit
  /// The length field read so far, then the frame being assembled behind it.
  private var partial: [UInt8] = []
  /// The whole frame's size, length field included, once its length field is read.
  private var expected: Int?
  /// A frame was refused: nothing more is read from this connection.
  private var failed = false
  /// What is reserved for a frame before its bytes arrive; a longer one grows as they do, so
  /// a peer that announces a large frame and sends nothing holds little.
  static let upfrontReservation = 1 << 20

  public init(limit: FrameLimit) {
    self.limit = limit
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    while !failed, buffer.readableBytes > 0 {
      guard let expected else {
        // The length field, possibly over several reads.
        let wanted = FrameLimit.headerSize - partial.count
        let taken = buffer.readSlice(length: min(wanted, buffer.readableBytes))!
        partial.append(contentsOf: taken.readableBytesView)
        if partial.count == FrameLimit.headerSize { startFrame(context: context) }
        continue
      }
      let taken = min(expected - partial.count, buffer.readableBytes)
      buffer.readWithUnsafeReadableBytes { bytes in
        // Contiguous bytes of a known type: the append is one memcpy.
        partial.append(
          contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(taken))
            .assumingMemoryBound(to: UInt8.self))
        return taken
      }
      if partial.count == expected { finishFrame(context: context) }
    }
  }

  /// The length field is complete: refuses a bad length at once, before any byte of the frame
  /// is awaited or reserved for.
  private func startFrame(context: ChannelHandlerContext) {
    let length = partial.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    guard length > 0 else { return fail(.empty, context: context) }
    guard length <= limit.maximumLength else {
      return fail(
        .tooLong(length: UInt64(length), maximum: limit.maximumLength), context: context)
    }
    let total = FrameLimit.headerSize + Int(length)
    expected = total
    partial.reserveCapacity(min(total, Self.upfrontReservation))
  }

  private func finishFrame(context: ChannelHandlerContext) {
    let frame = Frame(wire: partial)
    partial = []
    expected = nil
    context.fireChannelRead(wrapInboundOut(frame))
  }

  private func fail(_ error: FrameError, context: ChannelHandlerContext) {
    failed = true
    partial = []
    expected = nil
    context.fireErrorCaught(error)
  }

  public func channelInactive(context: ChannelHandlerContext) {
    endOfStream(context: context)
    context.fireChannelInactive()
  }

  public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .inputClosed? = event as? ChannelEvent { endOfStream(context: context) }
    context.fireUserInboundEventTriggered(event)
  }

  /// The stream ended: a frame left half-read is said once.
  private func endOfStream(context: ChannelHandlerContext) {
    guard !failed, !partial.isEmpty else { return }
    if let expected {
      fail(
        .truncated(
          received: partial.count - FrameLimit.headerSize,
          needed: expected - FrameLimit.headerSize, inHeader: false), context: context)
    } else {
      fail(
        .truncated(received: partial.count, needed: FrameLimit.headerSize, inHeader: true),
        context: context)
    }
  }
}

@available(*, unavailable)
extension FrameDecoder: Sendable {}

/// Puts the length field in front of each outgoing frame, without copying the frame: the
/// field and the frame go down the pipeline as two writes.
///
/// A frame that is empty or over the limit is not sent: its write fails with ``FrameError``
/// (the peer would refuse it and close the connection).
public final class FrameEncoder: ChannelOutboundHandler, RemovableChannelHandler {
  public typealias OutboundIn = ByteBuffer
  public typealias OutboundOut = ByteBuffer

  private let limit: FrameLimit

  public init(limit: FrameLimit) {
    self.limit = limit
  }

  public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?)
  {
    let frame = unwrapOutboundIn(data)
    let length = frame.readableBytes
    guard length > 0 else {
      promise?.fail(FrameError.empty)
      return
    }
    guard length <= limit.maximumLength else {
      promise?.fail(FrameError.tooLong(length: UInt64(length), maximum: limit.maximumLength))
      return
    }
    var header = context.channel.allocator.buffer(capacity: FrameLimit.headerSize)
    header.writeInteger(UInt32(length), endianness: .big)
    context.write(wrapOutboundOut(header), promise: nil)
    context.write(wrapOutboundOut(frame), promise: promise)
  }
}

@available(*, unavailable)
extension FrameEncoder: Sendable {}
