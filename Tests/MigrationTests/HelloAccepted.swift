import Engine
import Migration
import TestSupport

/// What a fresh destination on sparc-t4-b answers to `hello`, sent over an unlimited link.
func helloAccepted(for hello: Hello) throws -> HelloAccepted {
  let datacenter = try MigrationHarness.builtin(populateMemory: false)
  let link = InProcessLink(bytesPerSecond: nil, latency: 0)
  let (source, target) = link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
  guard let host = datacenter.host(named: "sparc-t4-b") else {
    throw HarnessError("no host sparc-t4-b")
  }
  let destination = DestinationSide(
    host: host, channel: target, token: 1,
    policy: DestinationPolicy(hostHasDomain: { _ in false }), now: 0, emit: { _ in })
  source.send(MessageCodec.encode(.hello(hello)), at: 0)
  for step in 1...10 {
    let time = Double(step) * 0.001
    link.pump(until: time)
    destination.step(until: time)
    link.pump(until: time)
    if let (frame, _) = source.receive(by: time) {
      guard case .helloAccepted(let accepted) = try MessageCodec.decode(frame: frame) else {
        throw HarnessError("the destination did not accept the hello")
      }
      return accepted
    }
  }
  throw HarnessError("no answer to the hello")
}
