import Compression
import Engine
import Hypervisor
import Migration
import TestSupport
import Testing

/// Compressed page batches end to end: the hello agrees on a codec, every byte arrives as it
/// was, the figures count what went on the wire, and a block that does not decompress ends
/// the migration cleanly with one line.
@Suite struct CompressionMigrationTests {
  typealias H = MigrationHarness

  static func datacenter(_ codec: CompressionCodec, populateMemory: Bool = true) throws
    -> Datacenter
  {
    var settings = EngineSettings(ScenarioLoader.builtin().migration)
    settings.compression = codec
    return try H.builtin(populateMemory: populateMemory, settings: settings)
  }

  @Test(arguments: CompressionCodec.allCases)
  func everyCodecDeliversTheMemoryAsItWasAtSuspension(codec: CompressionCodec) throws {
    let datacenter = try Self.datacenter(codec)
    let run = try H.migrateImaging(datacenter, "ldom01", as: "ldom01_moved")
    #expect(run.deliveredAsAtSuspension)
    let migration = run.migration
    guard codec != .none else {
      #expect(migration.statistics.compression == nil)
      #expect(migration.passes.allSatisfy { $0.compression == nil })
      return
    }
    let figures = try #require(migration.statistics.compression)
    #expect(figures.codec == codec)
    let statistics = figures.statistics
    // The built-in mix compresses: fewer bytes on the wire than records.
    #expect(try #require(statistics.ratio) > 1.2)
    #expect(statistics.compressedBytes < Int(migration.statistics.transferredBytes))
    #expect(statistics.cpuTime > .zero)
    // Each pass's share adds up to no more than the whole (the final copy comes after).
    let perPass = migration.passes.compactMap(\.compression?.statistics)
    #expect(perPass.count == migration.passes.count)
    #expect(perPass.reduce(0) { $0 + $1.uncompressedBytes } <= statistics.uncompressedBytes)
    // The target decompressed exactly what the source compressed.
    let resumed = datacenter.recentEvents.compactMap { event -> CompressionFigures? in
      if case .resumed(_, let decompression, _) = event.detail { return decompression }
      return nil
    }
    let decompressed = try #require(resumed.first)
    #expect(decompressed.codec == codec)
    #expect(decompressed.statistics.uncompressedBytes == statistics.uncompressedBytes)
    #expect(decompressed.statistics.compressedBytes == statistics.compressedBytes)
    #expect(decompressed.statistics.batches == statistics.batches)
  }

  @Test func compressionSendsFewerBytesThanNone() throws {
    func sent(_ codec: CompressionCodec) throws -> UInt64 {
      let datacenter = try Self.datacenter(codec)
      let id = try datacenter.startMigration(H.request("ldom01"))
      #expect(H.finish(datacenter, id) == .completed)
      return try #require(datacenter.migration(id)).statistics.transferredBytes
    }
    let none = try sent(.none)
    #expect(try sent(.lz4) < none * 3 / 4)
    #expect(try sent(.zstd) < none * 3 / 4)
  }

  /// What is left is counted in wire bytes at the measured ratio: midway through pass 1, what
  /// was sent plus what is left comes close to what the pass will really send.
  @Test func whatIsLeftIsEstimatedAtTheMeasuredRatio() throws {
    let datacenter = try Self.datacenter(.zstd)
    let id = try datacenter.startMigration(H.request("ldom01"))
    #expect(H.advance(datacenter, id, to: .stateTransfer, step: 0.001))
    let migration = try #require(datacenter.migration(id))
    while migration.statistics.progress < 0.3, migration.passes.isEmpty {
      datacenter.advance(by: 0.005)
    }
    let sentAtStart = migration.statistics.transferredBytes
    let estimate = Double(sentAtStart + migration.statistics.remainingBytes)
    while migration.passes.isEmpty, !migration.isFinished { datacenter.advance(by: 0.005) }
    let pass = try #require(migration.passes.first)
    // The pass holds all but the few control frames before it.
    let actual = Double(pass.bytesSent)
    // Uncompressed records would be about twice the estimate; the estimate is within a fifth.
    let records = Double(try #require(pass.compression).statistics.uncompressedBytes)
    #expect(estimate < records * 0.8)
    #expect(abs(estimate - actual) / actual < 0.2)
  }

  @Test(arguments: [CompressionCodec.lz4, .zstd], 1...4)
  func cancelAtRandomMomentsLeavesBothHostsAsTheyWere(codec: CompressionCodec, seed: Int) throws {
    var random = DeterministicRandom(seed: UInt64(seed))
    try expectCancelMidPassLeavesBothHostsAsTheyWere(
      try Self.datacenter(codec), after: Double(random.next() % 1_000) / 1_000)
  }

  // MARK: Corrupt input

  /// Starts ldom01 with `codec` to pass 1 and puts `frame` on the wire in the source's place.
  func inject(_ frame: [UInt8], codec: CompressionCodec) throws -> (
    Datacenter, MigrationID, HostSnapshot
  ) {
    let datacenter = try Self.datacenter(codec)
    let (id, before) = try H.inject(frame, into: datacenter)
    return (datacenter, id, before)
  }

  func expectProtocolViolation(
    _ datacenter: Datacenter, _ id: MigrationID, _ before: HostSnapshot, reason: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let outcome = H.finish(datacenter, id)
    #expect(
      outcome == .failed(.protocolViolation(peer: "sparc-t4-a", reason: reason)),
      sourceLocation: sourceLocation)
    H.settle(datacenter)
    #expect(H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---- 5000")
    let after = datacenter.host(named: "sparc-t4-b")!.snapshot()
    #expect(after.domain(named: "ldom01") == nil, sourceLocation: sourceLocation)
    #expect(after.memoryFree == before.memoryFree, sourceLocation: sourceLocation)
    #expect(datacenter.accountingProblems() == [], sourceLocation: sourceLocation)
  }

  /// A well-formed batch of pass 1, compressed with `codec`, whose block is then damaged.
  static func corruptBatch(_ codec: CompressionCodec) throws -> [UInt8] {
    var writer = PageBatchWriter(pass: 1, capacity: 4)
    let page = [UInt8](repeating: 0x41, count: GuestMemory.pageSize)
    for index in 0..<4 {
      page.withUnsafeBytes { writer.append(page: index, bytes: $0.baseAddress!) }
    }
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: 1 << 20)
    var frame = try CompressedPageBatch.frame(compressing: writer.finish(), with: compressor)
    // Past the block's first bytes (lz4's first token, zstd's frame header): its sequences.
    for index in (CompressedPageBatch.frameHeaderBytes + 6)..<frame.count { frame[index] = 0xFF }
    return frame
  }

  @Test func aCorruptLZ4BlockEndsTheMigrationCleanly() throws {
    let frame = try Self.corruptBatch(.lz4)
    let (datacenter, id, before) = try inject(frame, codec: .lz4)
    expectProtocolViolation(
      datacenter, id, before,
      reason: "PAGES-COMPRESSED of pass 1: lz4 block does not decompress: corrupt, or longer"
        + " than the declared \(4 * PageRecord.normalBytes) bytes")
  }

  @Test func aCorruptZstdFrameEndsTheMigrationCleanly() throws {
    let frame = try Self.corruptBatch(.zstd)
    let (datacenter, id, before) = try inject(frame, codec: .zstd)
    let outcome = H.finish(datacenter, id)
    guard case .failed(.protocolViolation(let peer, let reason), false)? = outcome else {
      Issue.record("not a protocol violation: \(String(describing: outcome))")
      return
    }
    #expect(peer == "sparc-t4-a")
    #expect(reason.hasPrefix("PAGES-COMPRESSED of pass 1: zstd frame "))
    #expect(!reason.contains("\n"))
    expectProtocolViolation(datacenter, id, before, reason: reason)
  }

  @Test func aBatchInAnotherCodecThanAgreedIsRefused() throws {
    let (datacenter, id, before) = try inject(try Self.corruptBatch(.zstd), codec: .lz4)
    expectProtocolViolation(
      datacenter, id, before, reason: "PAGES-COMPRESSED of pass 1 is in zstd, but lz4 was agreed")
  }

  @Test func aCompressedBatchWithoutAgreementIsRefused() throws {
    let (datacenter, id, before) = try inject(try Self.corruptBatch(.lz4), codec: .none)
    expectProtocolViolation(
      datacenter, id, before, reason: "PAGES-COMPRESSED in lz4, but no compression was agreed")
  }

  // MARK: Negotiation

  /// What a destination answers to a hello offering `codecs`.
  static func accepted(offering codecs: [UInt8]) throws -> HelloAccepted {
    try helloAccepted(
      for: Hello(
        purpose: .migrate, sourceHost: "sparc-t4-a", targetHost: "sparc-t4-b", migration: 1,
        codecs: codecs))
  }

  @Test func theDestinationTakesTheFirstCodecOfferedThatItKnows() throws {
    #expect(try Self.accepted(offering: [2, 0]).codec == 2)
    #expect(try Self.accepted(offering: [1, 0]).codec == 1)
    #expect(try Self.accepted(offering: [9, 1, 0]).codec == 1)
    #expect(try Self.accepted(offering: [0]).codec == 0)
    #expect(try Self.accepted(offering: [9]).codec == 0)
    #expect(try Self.accepted(offering: []).codec == 0)
  }
}
