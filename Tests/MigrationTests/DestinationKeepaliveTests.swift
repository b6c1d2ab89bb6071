import Engine
import Migration
import TestSupport
import Testing

/// A destination that falls behind the frames it is sent still tells the source it is alive:
/// its keepalives go in the time order of what it works through, not after the backlog.
@Suite struct DestinationKeepaliveTests {
  @Test func aDestinationBehindItsFramesStillSendsAKeepaliveEachSecondOfThem() throws {
    let datacenter = try MigrationHarness.builtin(populateMemory: false)
    let link = InProcessLink(bytesPerSecond: nil, latency: 0)
    let (source, target) = link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
    let host = try #require(datacenter.host(named: "sparc-t4-b"))
    let destination = DestinationSide(
      host: host, channel: target, token: 1,
      policy: DestinationPolicy(hostHasDomain: { _ in false }), now: 0, emit: { _ in })
    let hello = Hello(
      purpose: .migrate, sourceHost: "sparc-t4-a", targetHost: "sparc-t4-b", migration: 1)
    source.send(MessageCodec.encode(.hello(hello)), at: 0)
    link.pump(until: 0.001)
    destination.step(until: 0.001)
    // Four seconds of frames, a keepalive every 10 ms, that the destination takes in one step:
    // it is four seconds behind when it starts on them.
    for tick in 1...400 {
      source.send(MessageCodec.encode(.keepalive(progress: nil)), at: 0.001 + Double(tick) * 0.01)
    }
    link.pump(until: 4.001)
    destination.step(until: 4.001)
    link.pump(until: 4.001)
    var keepalives: [Double] = []
    while let (frame, arrival) = source.receive(by: 4.001) {
      if case .keepalive = try MessageCodec.decode(frame: frame) { keepalives.append(arrival) }
    }
    // One for each second of the backlog, each a second after the last thing it sent.
    #expect(keepalives.count >= 3, "keepalives at \(keepalives)")
    for (earlier, later) in zip([0.001] + keepalives, keepalives) {
      #expect(later - earlier <= MigrationTiming.keepaliveInterval + 0.011, "\(keepalives)")
    }
  }
}
