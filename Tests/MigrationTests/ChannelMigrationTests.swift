import Compression
import Engine
import Hypervisor
import Migration
import TestSupport
import Testing

/// Page batches spread over parallel channels, as QEMU's multifd: every byte arrives as it
/// was whatever the number of channels and the codec, each channel's figures add up to the
/// whole, a fault or a cancel leaves both hosts consistent, and a page connection that names
/// a channel it may not is a protocol violation with one line.
@Suite struct ChannelMigrationTests {
  typealias H = MigrationHarness

  static func datacenter(channels: Int, codec: CompressionCodec = .none) throws -> Datacenter {
    var settings = EngineSettings(ScenarioLoader.builtin().migration)
    settings.compression = codec
    settings.channels = channels
    return try H.builtin(settings: settings)
  }

  /// Every channel count with every codec; under ThreadSanitizer two cases, each costing
  /// ten times as much there: two page channels without a codec, and four with zstd (each
  /// channel's thread compressing its own batches). The threads, their batches and the
  /// synchronisation at each pass end are the same whatever the codec.
  static let channelCases: [(channels: Int, codec: CompressionCodec)] =
    Sanitizer.isThread
    ? [(2, .none), (4, .zstd)]
    : [1, 2, 4].flatMap { channels in CompressionCodec.allCases.map { (channels, $0) } }

  /// Once a failed migration has settled: ldom01 runs on the source as before, and the target
  /// holds nothing of it, not even its memory.
  static func expectSourceRunsAndTargetHoldsNothing(
    _ datacenter: Datacenter, before: HostSnapshot,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    H.settle(datacenter, limit: 30)
    #expect(
      H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---- 5000",
      sourceLocation: sourceLocation)
    let after = try #require(
      datacenter.host(named: "sparc-t4-b"), sourceLocation: sourceLocation
    ).snapshot()
    #expect(after.domain(named: "ldom01") == nil, sourceLocation: sourceLocation)
    #expect(after.memoryFree == before.memoryFree, sourceLocation: sourceLocation)
  }

  @Test(arguments: channelCases)
  func everyChannelCountDeliversTheMemoryAsItWasAtSuspension(
    channels: Int, codec: CompressionCodec
  ) throws {
    let datacenter = try Self.datacenter(channels: channels, codec: codec)
    let run = try H.migrateImaging(datacenter, "ldom01", as: "ldom01_moved")
    #expect(run.deliveredAsAtSuspension)
    let migration = run.migration
    let half = try #require(run.half)
    guard channels > 1 else {
      #expect(migration.statistics.channels == nil)
      #expect(half.channelFigures == nil)
      return
    }
    let sent = try #require(migration.statistics.channels)
    #expect(sent.map(\.index) == Array(0..<channels))
    // Every page went on a page channel, and every channel carried some.
    let pages = migration.statistics.normalPages + migration.statistics.zeroPages
    #expect(UInt64(sent.reduce(0) { $0 + $1.pages }) == pages)
    #expect(sent.allSatisfy { $0.batches > 0 && $0.bytes > 0 })
    // The target counted per channel what the source sent on it.
    let received = try #require(half.channelFigures)
    #expect(received.map(\.pages) == sent.map(\.pages))
    #expect(received.map(\.batches) == sent.map(\.batches))
    #expect(received.map(\.bytes) == sent.map(\.bytes))
    if codec != .none {
      #expect(sent.allSatisfy { $0.cpuTime > .zero })
      #expect(received.allSatisfy { $0.cpuTime > .zero })
      let total = try #require(migration.statistics.compression).statistics
      #expect(total.batches == sent.reduce(0) { $0 + $1.batches })
      // The target's totals (the resumed event's) add up its channels' decompressors.
      let decompressed = try #require(half.decompression).statistics
      #expect(decompressed.batches == total.batches)
      #expect(decompressed.uncompressedBytes == total.uncompressedBytes)
      #expect(decompressed.compressedBytes == total.compressedBytes)
    }
  }

  @Test func theDestinationGrantsAtMostSixteenChannels() throws {
    let accepted = try helloAccepted(
      for: Hello(
        purpose: .migrate, sourceHost: "sparc-t4-a", targetHost: "sparc-t4-b", migration: 1,
        channels: 40))
    #expect(accepted.channels == DestinationSide.maximumChannels)
  }

  /// Under ThreadSanitizer with zstd only, for the same reason.
  static let linkDownCodecs: [CompressionCodec] = Sanitizer.isThread ? [.zstd] : [.none, .zstd]

  @Test(arguments: [2, 4], linkDownCodecs)
  func aLinkDownMidPassLeavesBothHostsConsistent(channels: Int, codec: CompressionCodec) throws {
    let datacenter = try Self.datacenter(channels: channels, codec: codec)
    let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.advance(datacenter, id, to: .stateTransfer, step: 0.001))
    datacenter.advance(by: 0.05)
    try datacenter.inject(.linkDown, aim: .migration(domain: "ldom01"), when: .now)
    let outcome = H.finish(datacenter, id, limit: 30)
    #expect(outcome == .failed(.connectionLost(target: "sparc-t4-b", cause: .linkDown)))
    try Self.expectSourceRunsAndTargetHoldsNothing(datacenter, before: before)
    #expect(datacenter.accountingProblems() == [])
  }

  @Test(arguments: [2, 4], [CompressionCodec.lz4, .zstd])
  func aCancelMidPassLeavesBothHostsAsTheyWere(channels: Int, codec: CompressionCodec) throws {
    for seed in 1...2 { try cancelMidPass(channels: channels, codec: codec, seed: seed) }
  }

  func cancelMidPass(channels: Int, codec: CompressionCodec, seed: Int) throws {
    var random = DeterministicRandom(seed: UInt64(seed * 10 + channels))
    try expectCancelMidPassLeavesBothHostsAsTheyWere(
      try Self.datacenter(channels: channels, codec: codec),
      after: Double(random.next() % 500) / 1_000)
  }

  // MARK: Bad page connections

  /// Opens one more connection to the target, as a page channel, and says `join` on it.
  static func join(_ datacenter: Datacenter, _ join: ChannelJoin) throws {
    let (mine, theirs) = datacenter.link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
    try #require(datacenter.manager(named: "sparc-t4-b")).accept(theirs, now: datacenter.now)
    mine.send(MessageCodec.encode(.joinChannel(join)), at: datacenter.now)
  }

  func expectViolation(channels: Int, index: Int, reason: String) throws {
    let datacenter = try Self.datacenter(channels: channels)
    let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.advance(datacenter, id, to: .stateTransfer, step: 0.001))
    try Self.join(
      datacenter,
      ChannelJoin(sourceHost: "sparc-t4-a", migration: UInt64(id.rawValue), index: index))
    let outcome = H.finish(datacenter, id, limit: 30)
    #expect(outcome == .failed(.protocolViolation(peer: "sparc-t4-a", reason: reason)))
    #expect(!reason.contains("\n"))
    try Self.expectSourceRunsAndTargetHoldsNothing(datacenter, before: before)
  }

  @Test func aChannelIndexPastTheGrantIsAProtocolViolation() throws {
    try expectViolation(
      channels: 2, index: 2, reason: "CHANNEL-JOIN names channel 2 of the 2 granted")
  }

  @Test func aChannelThatJoinsTwiceIsAProtocolViolation() throws {
    try expectViolation(
      channels: 4, index: 1, reason: "CHANNEL-JOIN names channel 1 a second time")
  }

  @Test func aPageChannelOfAOneChannelMigrationIsAProtocolViolation() throws {
    try expectViolation(
      channels: 1, index: 0,
      reason: "CHANNEL-JOIN names channel 0, but this migration was granted one channel")
  }

  @Test func aPageChannelThatCannotBeOpenedFailsTheMigrationCleanly() throws {
    let datacenter = try Self.datacenter(channels: 2)
    let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
    let id = try datacenter.startMigration(H.request("ldom01"))
    try #require(datacenter.migration(id)).openPageChannel = { nil }
    let outcome = H.finish(datacenter, id, limit: 30)
    #expect(outcome == .failed(.channelLost(target: "sparc-t4-b", channel: 0, cause: .reset)))
    #expect(
      H.lines(outcome, domain: "ldom01").first
        == "Lost page channel 0 to the target machine sparc-t4-b: the connection could not be"
        + " made or was reset")
    try Self.expectSourceRunsAndTargetHoldsNothing(datacenter, before: before)
  }

  /// A page connection that never reaches the target's manager: the target gives up on it
  /// after the peer timeout, destroys its half and says why.
  @Test func aPageChannelThatNeverArrivesFailsTheMigrationCleanly() throws {
    let datacenter = try Self.datacenter(channels: 2)
    let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
    let id = try datacenter.startMigration(H.request("ldom01"))
    var opened = 0
    try #require(datacenter.migration(id)).openPageChannel = { [weak datacenter] in
      guard let datacenter else { return nil }
      opened += 1
      let (mine, theirs) = datacenter.link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
      // Channel 0 joins; channel 1's far end is never accepted by the target's manager.
      if opened == 1 {
        datacenter.manager(named: "sparc-t4-b")?.accept(theirs, now: datacenter.now)
      }
      return mine
    }
    let outcome = H.finish(datacenter, id, limit: 60)
    #expect(
      outcome
        == .failed(
          .protocolViolation(
            peer: "sparc-t4-a", reason: "page channel 1 of the 2 granted never joined")))
    try Self.expectSourceRunsAndTargetHoldsNothing(datacenter, before: before)
    #expect(datacenter.accountingProblems() == [])
  }

  @Test func aJoinNamingNoMigrationIsRefusedAndClosed() throws {
    let datacenter = try Self.datacenter(channels: 2)
    let (mine, theirs) = datacenter.link.connect(from: "sparc-t4-a", to: "sparc-t4-b")
    try #require(datacenter.manager(named: "sparc-t4-b")).accept(theirs, now: datacenter.now)
    mine.send(
      MessageCodec.encode(.joinChannel(ChannelJoin(sourceHost: "x", migration: 9, index: 0))),
      at: datacenter.now)
    datacenter.advance(by: 0.05)
    let (frame, _) = try #require(mine.receive(by: datacenter.now))
    #expect(
      try MessageCodec.decode(frame: frame)
        == .error(
          .protocolViolation(
            "CHANNEL-JOIN names migration 9 from x, which is not arriving here")))
    datacenter.advance(by: 0.05)
    #expect(mine.closure == .peer)
    #expect(datacenter.manager(named: "sparc-t4-b")?.incoming.isEmpty == true)
  }
}
