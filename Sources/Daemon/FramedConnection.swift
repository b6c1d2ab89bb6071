import NIOCore
import Network

/// Runs one framed connection for a consumer that lives elsewhere (the engine thread): frames
/// read go to `received`, frames from `outgoing` are written, and when either direction ends
/// the connection is over. Whatever the peer does, only this connection is affected.
enum FramedConnection {
  static func run(
    inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
    outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
    outgoing: AsyncStream<[UInt8]>, wrote: @escaping @Sendable (Int) -> Void,
    received: @escaping @Sendable (ByteBuffer) -> Void,
    ended: @escaping @Sendable (_ failed: Bool) -> Void
  ) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await frame in outgoing {
          guard !Task.isCancelled else { break }
          // The framing adds the length again: the frame goes without its own.
          var buffer = ByteBufferAllocator().buffer(capacity: frame.count - 4)
          buffer.writeBytes(frame[4...])
          do {
            try await outbound.write(buffer)
          } catch {
            ended(true)
            return
          }
          wrote(frame.count)
        }
        outbound.finish()
      }
      group.addTask {
        do {
          for try await buffer in inbound { received(buffer) }
          ended(false)
        } catch {
          ended(true)
        }
      }
      // Whichever direction ends first, the connection is over.
      await group.next()
      group.cancelAll()
    }
  }

  /// The frame as the codec reads it: its length, then its bytes.
  static func prefixed(_ buffer: ByteBuffer) -> [UInt8] {
    let length = UInt32(buffer.readableBytes)
    var frame = [UInt8]()
    frame.reserveCapacity(buffer.readableBytes + 4)
    frame += [
      UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
      UInt8(length & 0xFF),
    ]
    buffer.withUnsafeReadableBytes { frame.append(contentsOf: $0) }
    return frame
  }
}
