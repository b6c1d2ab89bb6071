import NIOCore
import Network

/// Runs one framed connection for a consumer that lives elsewhere (the engine thread): frames
/// read go to `received`, frames from `outgoing` are written, and when either direction ends
/// the connection is over. Whatever the peer does, only this connection is affected.
enum FramedConnection {
  static func run(
    inbound: NIOAsyncChannelInboundStream<Frame>,
    outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
    outgoing: AsyncStream<[UInt8]>, wrote: @escaping @Sendable (Int) -> Void,
    received: @escaping @Sendable (Frame) async -> Void,
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
          for try await frame in inbound { await received(frame) }
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

}
