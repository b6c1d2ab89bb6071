import Daemon
import Foundation
import Network
import Synchronization
import Testing

/// The connection's reader stops when the engine is a receive window behind, so that the
/// peer's writes slow to what this side applies instead of frames piling up in memory.
@Suite struct TCPMigrationChannelTests {
  /// A frame of `size` bytes on the wire, its length field included.
  static func frame(size: Int) -> Frame {
    let length = UInt32(size - 4)
    let header = (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) }
    return Frame(wire: header + [0x07] + [UInt8](repeating: 0, count: size - 5))
  }

  /// Polls `condition` every 10 ms for at most `seconds`.
  static func eventually(within seconds: Double, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<Int(seconds * 100) {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
  }

  @Test func aReaderWaitsWhileTheEngineIsAWindowBehindAndGoesOnWhenItCatchesUp() async {
    let channel = TCPMigrationChannel(clock: { 0 }, wake: {})
    let size = 1 << 20
    let frames = TCPMigrationChannel.receiveWindow / size + 3
    let delivered = Atomic(0)
    let reader = Task {
      for _ in 0..<frames {
        await channel.deliver(Self.frame(size: size))
        delivered.add(1, ordering: .sequentiallyConsistent)
      }
    }
    let window = TCPMigrationChannel.receiveWindow / size
    // The frame that fills the window is held: the reader waits on it.
    let filled = await Self.eventually(within: 10) {
      delivered.load(ordering: .sequentiallyConsistent) == window - 1
    }
    #expect(filled)
    let ranAhead = await Self.eventually(within: 0.3) {
      delivered.load(ordering: .sequentiallyConsistent) >= window
    }
    #expect(!ranAhead, "the reader went on with a full inbox")
    // The engine takes half a window: the reader delivers the rest.
    for _ in 0..<(window / 2) { _ = channel.receive(by: .infinity) }
    let finished = await Self.eventually(within: 10) {
      delivered.load(ordering: .sequentiallyConsistent) == frames
    }
    #expect(finished)
    await reader.value
    #expect(channel.unreadBytes == (frames - window / 2) * size)
  }

  @Test func aReaderWaitingOnAFullInboxGoesOnWhenTheEngineClosesItsEnd() async {
    let channel = TCPMigrationChannel(clock: { 0 }, wake: {})
    let size = 1 << 20
    let window = TCPMigrationChannel.receiveWindow / size
    let reader = Task {
      for _ in 0..<window { await channel.deliver(Self.frame(size: size)) }
      // Once the engine has closed, what arrives is dropped and nothing waits.
      await channel.deliver(Self.frame(size: size))
    }
    let full = await Self.eventually(within: 10) {
      channel.unreadBytes == TCPMigrationChannel.receiveWindow
    }
    #expect(full)
    channel.close(at: 0)
    await reader.value
    #expect(channel.closure == .local)
    #expect(channel.unreadBytes == TCPMigrationChannel.receiveWindow)
  }
}
