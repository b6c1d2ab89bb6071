import Migration
import Testing

/// The in-process link lets go of a connection once both ends are done with it, whatever was
/// still on its way: a soak of 10,000 migrations must not end holding a connection (and its
/// frames) for every migration that closed while frames were in flight.
@Suite struct InProcessLinkTests {
  static let frame = [UInt8](repeating: 7, count: 64 << 10)

  @Test func framesSentToAReceiverThatClosedAreDroppedWithTheConnection() {
    let link = InProcessLink(bytesPerSecond: 1e6, latency: 0.01)
    let (sender, receiver) = link.connect(from: "a", to: "b")
    for _ in 0..<4 { sender.send(Self.frame, at: 0) }
    link.pump(until: 0.1)
    // The receiver closes with frames still on the wire and in the queue; then the sender.
    receiver.close(at: 0.1)
    sender.close(at: 0.1)
    for step in 1...100 where link.isBusy { link.pump(until: 0.1 + Double(step) * 0.1) }
    #expect(!link.isBusy)
    #expect(link.held.connections == 0)
    #expect(link.held.bytes == 0)
    // The sender still saw its frames leave: departures are counted as before.
    #expect(sender.departed(by: 10).bytes == UInt64(4 * Self.frame.count))
  }

  @Test func aConnectionOpenAtOneEndIsHeldAndItsQueuedBytesCounted() {
    let link = InProcessLink(bytesPerSecond: 1e6, latency: 0.01)
    let (sender, receiver) = link.connect(from: "a", to: "b")
    sender.send(Self.frame, at: 0)
    #expect(link.held.connections == 1)
    #expect(link.held.bytes == Self.frame.count)
    link.pump(until: 1)
    #expect(receiver.receive(by: 1)?.frame == Self.frame)
    // Both ends open and nothing in flight: idle, but still a connection.
    #expect(!link.isBusy)
    #expect(link.held.connections == 1)
    receiver.close(at: 1)
    sender.close(at: 1)
    #expect(link.held.connections == 0)
  }

  @Test func aFailedConnectionHoldsNothing() {
    let link = InProcessLink(bytesPerSecond: 1e6, latency: 0.01)
    let (sender, _) = link.connect(from: "a", to: "b")
    for _ in 0..<3 { sender.send(Self.frame, at: 0) }
    link.pump(until: 0.05)
    sender.reset(at: 0.05)
    #expect(!link.isBusy)
    #expect(link.held.connections == 0)
  }
}
