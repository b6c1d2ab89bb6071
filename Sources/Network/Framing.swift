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

/// Splits a byte stream into frames, one `ByteBuffer` per frame (without its length field).
///
/// Use it as `ByteToMessageHandler(FrameDecoder(limit:))`. A bad length throws a ``FrameError``
/// into the pipeline, where ``ConnectionGuard`` logs it and closes the connection.
public struct FrameDecoder: ByteToMessageDecoder {
  public typealias InboundOut = ByteBuffer

  private let limit: FrameLimit
  /// The length of the frame whose length field has been read and whose bytes are awaited.
  private var awaitedLength: Int?

  public init(limit: FrameLimit) {
    self.limit = limit
  }

  public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws
    -> DecodingState
  {
    guard let frame = try nextFrame(&buffer) else { return .needMoreData }
    context.fireChannelRead(Self.wrapInboundOut(frame))
    return .continue
  }

  public mutating func decodeLast(
    context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
  ) throws -> DecodingState {
    while let frame = try nextFrame(&buffer) {
      context.fireChannelRead(Self.wrapInboundOut(frame))
    }
    if let awaitedLength {
      throw FrameError.truncated(
        received: buffer.readableBytes, needed: awaitedLength, inHeader: false)
    }
    if buffer.readableBytes > 0 {
      throw FrameError.truncated(
        received: buffer.readableBytes, needed: FrameLimit.headerSize, inHeader: true)
    }
    return .needMoreData
  }

  /// The next whole frame, or nil until its bytes are there. The length is checked the moment
  /// its four bytes are read, so an oversized frame never waits for (or reserves) its payload.
  private mutating func nextFrame(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
    if awaitedLength == nil {
      guard let length = buffer.readInteger(endianness: .big, as: UInt32.self) else { return nil }
      guard length > 0 else { throw FrameError.empty }
      guard length <= limit.maximumLength else {
        throw FrameError.tooLong(length: UInt64(length), maximum: limit.maximumLength)
      }
      awaitedLength = Int(length)
    }
    guard let awaitedLength, let frame = buffer.readSlice(length: awaitedLength) else {
      return nil
    }
    self.awaitedLength = nil
    return frame
  }
}

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
