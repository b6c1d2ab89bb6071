// libFuzzer target: the migration protocol's decoder, and a destination side fed whatever
// frames the input holds. The decoder never traps, refuses in one line, and what it accepts
// encodes back to the same bytes; the destination, whatever it is sent, leaves its host as
// it was once the connection ends: no domain, no strand, no memory held.
import Hypervisor
import Migration

let fuzzHost: Host = {
  let scenario = """
    hosts:
      - name: fuzz-b
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 64 }
        memory: 16G
        users: { root: secret }
        services:
          vds: [ { name: primary-vds0, volumes: [ { name: vol01, device: /dev/x } ] } ]
          vsw: [ { name: primary-vsw0 } ]
          vcc: [ { name: primary-vcc0, ports: 5000-5100 } ]
        domains:
          - { name: primary, control: true, vcpus: 8, memory: 4G }
    """
  // The scenario is fixed and valid: failing to build it is a bug of this target.
  return try! ScenarioLoader.load(text: scenario, file: "fuzz.yaml").buildHosts(
    populateMemory: false)[0]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  // 1. The whole input as one frame.
  do {
    let message = try MessageCodec.decode(frame: bytes)
    precondition(MessageCodec.encode(message) == bytes, "\(message.name) does not encode back")
  } catch {
    precondition(!error.description.contains(where: \.isNewline), "multi-line: \(error)")
  }
  // 2. The input as a stream of frames to a destination, which must end clean.
  let before = fuzzHost.snapshot()
  let link = InProcessLink(bytesPerSecond: nil, latency: 0)
  let (source, destination) = link.connect(from: "fuzz-a", to: "fuzz-b")
  let side = DestinationSide(
    host: fuzzHost, channel: destination, token: 1,
    policy: DestinationPolicy(hostHasDomain: { _ in false }), now: 0, emit: { _ in })
  var offset = 0
  var time = 0.0
  while offset + 4 <= bytes.count {
    let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    guard length >= 1, length <= 1 << 16, offset + 4 + length <= bytes.count else { break }
    source.send(Array(bytes[offset..<(offset + 4 + length)]), at: time)
    offset += 4 + length
    time += 0.001
    link.pump(until: time)
    side.step(until: time)
  }
  source.close(at: time)
  link.pump(until: time + 1)
  side.step(until: time + 1)
  // Whatever is left of a half once its connection is gone, the destination destroyed it.
  let after = fuzzHost.snapshot()
  precondition(side.isFinished, "the destination did not end with its connection")
  precondition(after.domains.map(\.name) == before.domains.map(\.name), "a domain was left")
  precondition(after.memoryFree == before.memoryFree, "memory was left bound")
  precondition(after.strandsFree == before.strandsFree, "strands were left bound")
  precondition(fuzzHost.accountingProblems().isEmpty, "accounting: \(fuzzHost.accountingProblems())")
  return 0
}
