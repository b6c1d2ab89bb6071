import Engine
import Hypervisor
import Migration
import TestSupport
import Testing

/// A source whose pages go on leaving does not give up on a target it hears nothing from: a
/// connection's buffers take pages only while the peer reads them.
@Suite struct SourceSignOfLifeTests {
  typealias H = MigrationHarness

  /// ldom01 of the built-in scenario leaving sparc-t4-a for sparc-t4-b over a link of
  /// `bytesPerSecond`: both sides, stepped by the test itself.
  static func migration(bytesPerSecond: Double) throws -> (
    link: InProcessLink, ours: MigrationChannel, side: SourceSide,
    destination: DestinationSide, target: Host
  ) {
    let datacenter = try H.builtin()
    let source = try #require(datacenter.host(named: "sparc-t4-a"))
    let target = try #require(datacenter.host(named: "sparc-t4-b"))
    let link = InProcessLink(bytesPerSecond: bytesPerSecond, latency: 0.001)
    let (ours, theirs) = link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
    let side = SourceSide(
      id: MigrationID(1), request: H.request("ldom01"), host: source, channel: ours,
      settings: EngineSettings(), now: 0, emit: { _ in })
    let destination = DestinationSide(
      host: target, channel: theirs, token: 1,
      policy: DestinationPolicy(hostHasDomain: { target.domain(named: $0) != nil }), now: 0,
      emit: { _ in })
    return (link, ours, side, destination, target)
  }

  @Test func aTargetTakingPagesIsNotGivenUpThoughItSaysNothing() throws {
    // 10 MB/s: ldom01's first pass lasts well past the source's 5 s timeout.
    let (link, ours, side, destination, _) = try Self.migration(bytesPerSecond: 10e6)
    var time = 0.0
    func step(destinationToo: Bool) {
      time += 0.01
      link.pump(until: time)
      if destinationToo { destination.step(until: time) }
      link.pump(until: time)
      side.step(until: time)
    }
    for _ in 0..<1000 where side.phase != .stateTransfer && side.outcome == nil {
      step(destinationToo: true)
    }
    #expect(side.phase == .stateTransfer)
    let heard = try #require(ours.lastActivity(by: time))
    // From now on the target says nothing (its process stalled, its frames stuck behind the
    // pages), while the link goes on taking pages for 8 s.
    for _ in 0..<800 { step(destinationToo: false) }
    #expect(time - heard > MigrationTiming.peerTimeout + 2)
    #expect(ours.departed(by: time).time > time - 1)
    #expect(side.outcome == nil, "\(String(describing: side.outcome))")
  }

  /// Between daemons both sides hash the memory for the hand-off at once, and neither says
  /// anything meanwhile: for a large domain, or on a busy machine, that lasts longer than the
  /// timeout. The source counts the target's silence from its first look after its own
  /// hashing, and takes the answer that follows.
  @Test func aTargetHashingAsLongAsTheSourceIsNotGivenUp() throws {
    let (link, _, side, destination, target) = try Self.migration(bytesPerSecond: 1e9)
    var time = 0.0
    func step() {
      link.pump(until: time)
      destination.step(until: time)
      link.pump(until: time)
      side.step(until: time)
    }
    for _ in 0..<100_000 where !side.isHandingOff && side.outcome == nil {
      time += 0.01
      step()
    }
    #expect(side.isHandingOff)
    // The source has just hashed and written HAND-OFF; on the wall clock its hashing, and the
    // target's beside it, took 8 s. The source looks again first: the target's answer follows.
    time += 8
    link.pump(until: time)
    side.step(until: time)
    #expect(side.outcome == nil, "\(String(describing: side.outcome))")
    for _ in 0..<1000 where side.outcome == nil {
      step()
      time += 0.01
    }
    #expect(side.outcome == .completed, "\(String(describing: side.outcome))")
    #expect(target.domain(named: "ldom01")?.state == .active)
  }
}
