import Compression
import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

/// The protocol's encoder and decoder as pure functions: every message survives the trip,
/// and no bytes, however wrong, make the decoder trap or answer with more than one line.
@Suite struct ProtocolTests {
  @Test(arguments: 1...8)
  func everyMessageRoundTrips(seed: Int) throws {
    var generator = MessageGenerator(seed: UInt64(seed))
    for _ in 0..<40 {
      for type in MessageType.allCases {
        let message = generator.message(type)
        let frame = MessageCodec.encode(message)
        #expect(frame.count >= 5)
        #expect(
          Int(frame[0]) << 24 | Int(frame[1]) << 16 | Int(frame[2]) << 8 | Int(frame[3]) == frame
            .count - 4)
        #expect(frame[4] == type.rawValue)
        #expect(try MessageCodec.decode(frame: frame) == message, "\(type.name)")
      }
    }
  }

  @Test func pageRecordsCarryTheirPagesAndMarkers() throws {
    var generator = MessageGenerator(seed: 11)
    for _ in 0..<20 {
      let (batch, pages) = generator.pageBatchWithContents(pass: 3)
      #expect(batch.pass == 3)
      #expect(batch.count == pages.count)
      var seen: [(Int, [UInt8]?)] = []
      batch.forEachRecord { page, content in
        guard case .page(let bytes) = content else { return seen.append((page, nil)) }
        seen.append(
          (page, Array(UnsafeRawBufferPointer(start: bytes, count: GuestMemory.pageSize))))
      }
      #expect(seen.map(\.0) == pages.map(\.page))
      #expect(seen.map(\.1) == pages.map(\.bytes))
      // A zero page is its 8-byte marker, a normal page the marker and its 8 KiB.
      let normal = pages.filter { $0.bytes != nil }.count
      #expect(
        batch.bytes.count
          == PageRecord.frameHeaderBytes + pages.count * PageRecord.headerBytes
          + normal * GuestMemory.pageSize)
    }
  }

  @Test func theRecordWordIsTheOffsetWithFlagsInItsLowBits() throws {
    var writer = PageBatchWriter(pass: 1, capacity: 2)
    writer.appendZero(page: 5)
    let frame = writer.finish()
    let word = frame[13..<21].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    #expect(word == 5 * 8192 | PageRecord.zero)
  }

  @Test func everyTruncationIsRefusedInOneLine() throws {
    var generator = MessageGenerator(seed: 5)
    for type in MessageType.allCases {
      let frame = MessageCodec.encode(generator.message(type))
      for length in 0..<frame.count {
        var cut = Array(frame.prefix(length))
        expectRefused(cut, "\(type.name) cut to \(length)")
        // The same bytes with a length that admits the cut: the payload ends too early.
        guard length >= 5 else { continue }
        let body = UInt32(length - 4)
        cut[0] = UInt8(body >> 24)
        cut[1] = UInt8(body >> 16 & 0xFF)
        cut[2] = UInt8(body >> 8 & 0xFF)
        cut[3] = UInt8(body & 0xFF)
        if let message = try? MessageCodec.decode(frame: cut) {
          // Only a message whose last field happens to end there may decode.
          #expect(MessageCodec.encode(message).count == cut.count)
        }
      }
    }
  }

  @Test(arguments: 1...4)
  func mutatedFramesNeverTrap(seed: Int) {
    var generator = MessageGenerator(seed: UInt64(seed) &* 31)
    var random = DeterministicRandom(seed: UInt64(seed))
    for _ in 0..<300 {
      let type = MessageType.allCases[random.next(below: MessageType.allCases.count)]
      var frame = MessageCodec.encode(generator.message(type))
      for _ in 0..<(1 + random.next(below: 4)) {
        let index = random.next(below: frame.count)
        frame[index] ^= UInt8(1 << random.next(below: 8))
      }
      do {
        _ = try MessageCodec.decode(frame: frame)
      } catch {
        #expect(!error.description.contains("\n"))
        #expect(!error.description.isEmpty)
      }
    }
  }

  @Test func oversizedAndEmptyFramesAreRefusedBeforeAnyAllocation() {
    #expect(throws: ProtocolError("frame length 16777217 is more than the 16777216 allowed")) {
      try MessageCodec.frameLength(prefix: 16_777_217)
    }
    #expect(throws: ProtocolError("frame length 0: a frame holds at least its type")) {
      try MessageCodec.frameLength(prefix: 0)
    }
    #expect((try? MessageCodec.frameLength(prefix: 1)) == 1)
    // The decoder refuses such a length whatever follows.
    expectRefused([0xFF, 0xFF, 0xFF, 0xFF, 0x01], "a 4 GiB length")
  }

  @Test func refusalsNameWhatIsWrong() {
    expectRefused([0, 0, 0, 1, 0x7F], "unknown type", reason: "unknown message type 0x7f")
    expectRefused(
      [0, 0, 0, 5, 0x01, 1, 2, 3, 4], "bad magic",
      reason: "HELLO without the LDMM magic: not a migration peer")
    expectRefused(
      MessageCodec.encode(.authenticated(true)) + [0], "trailing byte",
      reason: "frame length 2 does not match the 3 bytes that follow")
    var flagged = PageBatchWriter(pass: 1, capacity: 1)
    flagged.appendZero(page: 2)
    var frame = flagged.finish()
    frame[20] = 0x03
    expectRefused(
      frame, "unknown flags",
      reason: "page record 0: flags 0x3 are neither ZERO (0x2), PAGE (0x8) nor XBZRLE (0x40)")
  }

  @Test func versionsAreNegotiatedToTheHighestInCommon() {
    #expect(ProtocolVersion.negotiate(1...3, 2...5) == 3)
    #expect(ProtocolVersion.negotiate(1...1, 1...1) == 1)
    #expect(ProtocolVersion.negotiate(1...1, 2...3) == nil)
  }

  func expectRefused(
    _ frame: [UInt8], _ what: String, reason: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      let message = try MessageCodec.decode(frame: frame)
      Issue.record("\(what) decoded as \(message.name)", sourceLocation: sourceLocation)
    } catch {
      #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
      if let reason { #expect(error.reason == reason, sourceLocation: sourceLocation) }
    }
  }
}

/// Bad bytes and bad order reaching real sides: the migration ends with one line and both
/// hosts are as before.
@Suite struct ProtocolViolationTests {
  typealias H = MigrationHarness

  /// Starts ldom01 to `phase` and puts `frame` on the wire in the source's place.
  func inject(_ frame: [UInt8], at phase: Phase) throws -> (Datacenter, MigrationID, HostSnapshot) {
    let datacenter = try H.builtin(populateMemory: false)
    let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.advance(datacenter, id, to: phase, step: 0.001))
    let channel = try #require(datacenter.migration(id)?.channel)
    channel.send(frame, at: datacenter.now)
    return (datacenter, id, before)
  }

  func expectConsistent(_ datacenter: Datacenter, _ before: HostSnapshot) {
    H.settle(datacenter)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---- 5000")
    let after = datacenter.host(named: "sparc-t4-b")!.snapshot()
    #expect(after.domain(named: "ldom01") == nil)
    #expect(after.memoryFree == before.memoryFree)
    #expect(after.strandsFree == before.strandsFree)
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func aMalformedFrameEndsTheMigrationCleanly() throws {
    let (datacenter, id, before) = try inject([0, 0, 0, 3, 0x0A, 0xFF, 0xFF], at: .stateTransfer)
    let outcome = H.finish(datacenter, id)
    guard case .failed(.protocolViolation(_, let reason), false)? = outcome else {
      Issue.record("not a protocol violation: \(String(describing: outcome))")
      return
    }
    #expect(!reason.contains("\n"))
    expectConsistent(datacenter, before)
  }

  @Test func anOutOfOrderMessageEndsTheMigrationCleanly() throws {
    // A hand-off in the middle of pass 1, before any suspension.
    let frame = MessageCodec.encode(
      .handOff(HandOffRequest(digest: Array(repeating: 0, count: 32), uptime: 1, state: .active)))
    let (datacenter, id, before) = try inject(frame, at: .stateTransfer)
    let outcome = H.finish(datacenter, id)
    #expect(
      outcome
        == .failed(
          .protocolViolation(
            peer: "sparc-t4-a", reason: "HAND-OFF is not expected here (inPass(1))")))
    #expect(
      H.lines(outcome, domain: "ldom01").first
        == "Migration protocol error with sparc-t4-a: HAND-OFF is not expected here (inPass(1))")
    expectConsistent(datacenter, before)
  }

  @Test func aPageOutsideTheDomainIsRefused() throws {
    var writer = PageBatchWriter(pass: 1, capacity: 1)
    writer.appendZero(page: 1 << 30)
    let (datacenter, id, before) = try inject(writer.finish(), at: .stateTransfer)
    guard case .failed(.protocolViolation(_, let reason), _)? = H.finish(datacenter, id) else {
      Issue.record("an out-of-range page was accepted")
      return
    }
    #expect(reason == "PAGES names page 1073741824 of a domain with 131072 pages")
    expectConsistent(datacenter, before)
  }

  @Test func aPeerWithoutACommonVersionIsRefused() throws {
    let datacenter = try H.builtin(populateMemory: false)
    let manager = try #require(datacenter.manager(named: "sparc-t4-b"))
    let link = datacenter.link
    let (caller, callee) = link.connect(from: "elsewhere", to: "sparc-t4-b")
    manager.accept(callee, now: datacenter.now)
    caller.send(
      MessageCodec.encode(
        .hello(
          Hello(
            versions: 7...9, purpose: .migrate, sourceHost: "elsewhere", targetHost: "sparc-t4-b",
            migration: 1))), at: datacenter.now)
    datacenter.advance(by: 0.01)
    let answer = try #require(caller.receive(by: datacenter.now))
    #expect(
      try MessageCodec.decode(frame: answer.frame) == .error(.versionMismatch(supported: 1...2)))
    #expect(caller.closure == .peer || caller.receive(by: datacenter.now) == nil)
    #expect(
      datacenter.recentEvents.contains {
        $0.kind == .peerRefused
          && $0.message
            == "refused elsewhere: protocol versions 7...9 and 1...2 have none in common"
      })
  }

  @Test func theVersionMismatchLineNamesBothRanges() {
    let failure = MigrationFailure.versionMismatch(target: "sparc-t4-b", ours: 1...1, theirs: 2...3)
    #expect(
      failure.line
        == "Failed to establish connection with ldmd(1m) on target: sparc-t4-b speaks migration"
        + " protocol 2...3, this ldmd 1...1")
  }
}

/// Writes the protocol fuzz target's seed corpus (`WRITE_FUZZ_CORPUS=1 swift test --filter
/// ProtocolCorpus`): one frame of every type, and whole conversations a source would hold
/// with the target `fuzz-b` of Fuzz/Targets/ProtocolFuzz.swift, up to the hand-off.
@Suite struct ProtocolCorpus {
  static var isWriting: Bool {
    ProcessInfo.processInfo.environment["WRITE_FUZZ_CORPUS"] == "1"
  }

  @Test(.enabled(if: isWriting, "writes files: WRITE_FUZZ_CORPUS=1"))
  func writeTheSeedCorpus() throws {
    let folder = Fixtures.url("Fuzz/corpus/protocol")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func write(_ name: String, _ bytes: [UInt8]) throws {
      try Data(bytes).write(to: folder.appendingPathComponent(name))
    }
    var generator = MessageGenerator(seed: 1)
    for type in MessageType.allCases {
      try write("frame-\(type.name.lowercased())", MessageCodec.encode(generator.message(type)))
    }
    let memory: UInt64 = 16 << 20
    let configuration = DomainConfiguration(
      name: "guest", state: .active, vcpuCount: 1, memorySize: memory,
      blocks: [(0x800_0000, memory)], cpuArch: .native, os: .solaris11, disks: [],
      networks: [], consoleGroup: nil, ioDevices: [], workload: .idle, bootFill: 0,
      variables: [], uptime: 10)
    var pages = PageBatchWriter(pass: 1, capacity: 3)
    pages.appendZero(page: 0)
    let page = [UInt8](repeating: 0x5A, count: GuestMemory.pageSize)
    page.withUnsafeBytes { pages.append(page: 7, bytes: $0.baseAddress!) }
    pages.appendZero(page: 2047)
    var final = PageBatchWriter(pass: 0, capacity: 1)
    page.withUnsafeBytes { final.append(page: 9, bytes: $0.baseAddress!) }
    let conversation: [MigrationMessage] = [
      .hello(Hello(purpose: .migrate, sourceHost: "fuzz-a", targetHost: "fuzz-b", migration: 1)),
      .authenticate(user: "root", password: "secret"),
      .preCheckQuestion(generator.requirements()),
      .createTarget(TargetRequest(configuration: configuration, name: "guest")),
      .beginPass(number: 1, pages: 3),
    ]
    var stream = conversation.flatMap(MessageCodec.encode) + pages.finish()
    stream += MessageCodec.encode(
      .endPass(EndOfPass(number: 1, pages: 3, bytes: 8300, progress: 0.5)))
    try write("conversation-to-pass", stream)
    stream += MessageCodec.encode(.suspend(dirtyPages: 1, vcpus: 1)) + final.finish()
    stream += MessageCodec.encode(.cpuState(vcpu: 0, bytes: [1, 2, 3]))
    stream += MessageCodec.encode(
      .handOff(HandOffRequest(digest: [UInt8](repeating: 7, count: 32), uptime: 10, state: .active))
    )
    try write("conversation-to-hand-off", stream)
    try write(
      "conversation-cancel",
      conversation.flatMap(MessageCodec.encode) + MessageCodec.encode(.cancel))
    // The same pass with lz4 agreed: the fuzzer reaches the destination's decompression.
    var compressedHello = conversation
    compressedHello[0] = .hello(
      Hello(
        purpose: .migrate, sourceHost: "fuzz-a", targetHost: "fuzz-b", migration: 1,
        codecs: [1, 0]))
    var again = PageBatchWriter(pass: 1, capacity: 3)
    again.appendZero(page: 0)
    page.withUnsafeBytes { again.append(page: 7, bytes: $0.baseAddress!) }
    again.appendZero(page: 2047)
    let compressor = BatchCompressor(codec: .lz4, maximumBatchBytes: 1 << 20)
    try write(
      "conversation-compressed-pass",
      compressedHello.flatMap(MessageCodec.encode)
        + (try CompressedPageBatch.frame(compressing: again.finish(), with: compressor))
        + MessageCodec.encode(.endPass(EndOfPass(number: 1, pages: 3, bytes: 300, progress: 0.5))))
    try write(
      "conversation-dry-run",
      (conversation.prefix(3) + [.goodbye]).flatMap(MessageCodec.encode))
    // Two passes with XBZRLE agreed: page 7 whole, then as its difference.
    var xbzrleHello = conversation
    xbzrleHello[0] = .hello(
      Hello(
        purpose: .migrate, sourceHost: "fuzz-a", targetHost: "fuzz-b", migration: 1,
        features: .xbzrle))
    var first = PageBatchWriter(pass: 1, capacity: 1)
    page.withUnsafeBytes { first.append(page: 7, bytes: $0.baseAddress!) }
    var changed = page
    changed[4096] = 0xA5
    var second = PageBatchWriter(pass: 2, capacity: 1)
    _ = page.withUnsafeBytes { old in
      changed.withUnsafeBytes { new in
        second.appendDelta(page: 7, old: old.baseAddress!, new: new.baseAddress!)
      }
    }
    try write(
      "conversation-xbzrle-pass",
      xbzrleHello.flatMap(MessageCodec.encode) + first.finish()
        + MessageCodec.encode(.endPass(EndOfPass(number: 1, pages: 1, bytes: 8213, progress: 0.5)))
        + MessageCodec.encode(.beginPass(number: 2, pages: 1)) + second.finish()
        + MessageCodec.encode(.endPass(EndOfPass(number: 2, pages: 1, bytes: 30, progress: 0.9))))
  }
}
