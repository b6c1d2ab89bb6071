import CZstd
import Compression
import Testing

/// What arrives over a connection is refused, with one line, unless it is the block of a batch
/// of the declared size; nothing crashes and nothing is written past the declared size.
@Suite struct CorruptBlockTests {
  static let limit = Sample.batchBytes

  static func expectOneLine(_ error: DecompressionError) {
    #expect(!error.description.isEmpty)
    #expect(!error.description.contains { $0.isNewline }, "\(error)")
  }

  /// Every proper prefix of a block is refused.
  @Test(arguments: CompressionCodec.allCases)
  func everyTruncationIsRefused(codec: CompressionCodec) throws {
    let batch = Sample.text.bytes(count: 1500)
    let block = try BatchCompressor(codec: codec, maximumBatchBytes: Self.limit).block(of: batch)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
    for length in 0..<block.count {
      do {
        let decoded = try decompressor.batch(
          of: Array(block.prefix(length)), declaredSize: batch.count)
        Issue.record(
          "\(codec): a block cut to \(length) of \(block.count) bytes decoded to \(decoded.count)")
      } catch {
        Self.expectOneLine(error)
      }
    }
    #expect(decompressor.statistics == .zero)
  }

  /// Flipped bits either leave a block that still decodes to the declared size or are
  /// refused, most of them in compressible memory; none makes the decoder write past the
  /// declared size.
  @Test(arguments: [CompressionCodec.lz4, .zstd], Sample.allCases)
  func flippedBitsAreRefusedOrStayInBounds(codec: CompressionCodec, sample: Sample) throws {
    let batch = sample.bytes(count: 4 * Sample.pageBytes)
    let block = try BatchCompressor(codec: codec, maximumBatchBytes: Self.limit).block(of: batch)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
    var random = SplitMix64(seed: 12)
    var refused = 0
    let trials = 400
    for _ in 0..<trials {
      var damaged = block
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        let bit = Int.random(in: 0..<(8 * block.count), using: &random)
        damaged[bit / 8] ^= 1 << (bit % 8)
      }
      do {
        let output = try decompressor.batch(
          of: damaged, declaredSize: batch.count, outputBytes: batch.count + 64)
        #expect(output.suffix(64).allSatisfy { $0 == 0xA5 })
      } catch {
        Self.expectOneLine(error)
        refused += 1
      }
    }
    // Random bytes are stored as literals (lz4) or raw blocks (zstd): nearly every flip
    // there changes data, not structure, so only the others must be mostly refused.
    if sample != .random {
      #expect(refused > trials / 4, "\(refused) of \(trials) refused")
    }
  }

  /// A declared size other than the batch's is refused, naming both sizes where the codec
  /// knows them.
  @Test func wrongDeclaredSizeIsRefused() throws {
    let batch = Sample.repetitive.bytes(count: Sample.pageBytes)
    let size = batch.count
    for codec in CompressionCodec.allCases {
      let block = try BatchCompressor(codec: codec, maximumBatchBytes: Self.limit).block(
        of: batch)
      let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
      for declared in [0, 1, size - 1, size + 1, 2 * size] {
        #expect(throws: DecompressionError.self) {
          try decompressor.batch(of: block, declaredSize: declared)
        }
      }
    }
    let lz4 = try BatchCompressor(codec: .lz4, maximumBatchBytes: Self.limit).block(of: batch)
    let zstd = try BatchCompressor(codec: .zstd, maximumBatchBytes: Self.limit).block(of: batch)
    let expectations: [(CompressionCodec, [UInt8], Int, String)] = [
      (.none, batch, size + 1, "uncompressed block holds 8192 bytes, not the declared 8193"),
      (.lz4, lz4, size + 1, "lz4 block holds 8192 bytes, not the declared 8193"),
      (
        .lz4, lz4, size - 1,
        "lz4 block does not decompress: corrupt, or longer than the declared 8191 bytes"
      ),
      (.zstd, zstd, size - 1, "zstd frame holds 8192 bytes, not the declared 8191"),
      (.zstd, zstd, 0, "zstd frame holds 8192 bytes, not the declared 0"),
    ]
    for (codec, block, declared, message) in expectations {
      let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
      let error = #expect(throws: DecompressionError.self) {
        try decompressor.batch(of: block, declaredSize: declared)
      }
      #expect(error?.description == message)
    }
  }

  /// A declared size out of range is refused before anything is decoded or written.
  @Test(arguments: CompressionCodec.allCases)
  func hugeOrNegativeDeclaredSizeIsRefused(codec: CompressionCodec) throws {
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
    let block = try BatchCompressor(codec: codec, maximumBatchBytes: Self.limit).block(
      of: Sample.zero.bytes(count: Self.limit))
    for declared in [Self.limit + 1, Int(Int32.max) + 1, Int.max, -1, Int.min] {
      #expect(
        throws: DecompressionError.declaredSizeOutOfRange(declared: declared, limit: Self.limit)
      ) {
        try decompressor.batch(of: block, declaredSize: declared)
      }
    }
    #expect(
      DecompressionError.declaredSizeOutOfRange(declared: Int.max, limit: Self.limit).description
        == "declared batch size 9223372036854775807 bytes is outside 0...524288")
    // The limit itself is allowed.
    #expect(try decompressor.batch(of: block, declaredSize: Self.limit).count == Self.limit)
  }

  /// A declared size larger than the caller's buffer is refused, not written past it.
  @Test func outputBufferSmallerThanTheDeclaredSizeIsRefused() throws {
    let batch = Sample.zero.bytes(count: Sample.pageBytes)
    for codec in CompressionCodec.allCases {
      let block = try BatchCompressor(codec: codec, maximumBatchBytes: Self.limit).block(
        of: batch)
      let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
      #expect(throws: DecompressionError.outputTooSmall(declared: batch.count, capacity: 100)) {
        try decompressor.batch(of: block, declaredSize: batch.count, outputBytes: 100)
      }
    }
    #expect(
      DecompressionError.outputTooSmall(declared: 8192, capacity: 100).description
        == "declared batch size 8192 bytes does not fit the output buffer of 100 bytes")
  }

  /// A block longer than any batch within the limit can compress to is refused unread.
  @Test(arguments: CompressionCodec.allCases)
  func oversizedBlockIsRefused(codec: CompressionCodec) throws {
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.pageBytes)
    let bound = codec.maximumCompressedSize(forBatchBytes: Sample.pageBytes)
    let block = [UInt8](repeating: 0, count: bound + 1)
    let error = #expect(
      throws: DecompressionError.blockTooLarge(codec: codec, bytes: bound + 1, limit: bound)
    ) {
      try decompressor.batch(of: block, declaredSize: Sample.pageBytes)
    }
    if codec == .lz4 {
      #expect(
        error?.description == "lz4 block of 8241 bytes is above the 8240 bytes any batch can take")
    }
  }

  /// Bytes that were never a block, the empty block among them, are refused with the
  /// codec's reason.
  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func garbageIsRefused(codec: CompressionCodec) throws {
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
    var random = SplitMix64(seed: 99)
    for length in [0, 1, 4, 17, 300, 8192] {
      let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
      do {
        _ = try decompressor.batch(of: garbage, declaredSize: Sample.pageBytes)
        Issue.record("\(codec): \(length) random bytes decoded")
      } catch {
        Self.expectOneLine(error)
      }
    }
    #expect(throws: DecompressionError.corrupt(codec: .zstd, reason: "not a zstd frame")) {
      try BatchDecompressor(codec: .zstd, maximumBatchBytes: Self.limit).batch(
        of: [1, 2, 3, 4, 5, 6, 7, 8], declaredSize: 8)
    }
  }

  /// A zstd frame that does not state its size (as a streaming compressor writes them), and
  /// two frames in one block, are refused.
  @Test func zstdFramesOtherThanOursAreRefused() throws {
    let batch = Sample.text.bytes(count: Sample.pageBytes)
    let decompressor = BatchDecompressor(codec: .zstd, maximumBatchBytes: Self.limit)
    let unsized = try Self.zstdFrameWithoutItsSize(of: batch)
    #expect(
      throws: DecompressionError.corrupt(
        codec: .zstd, reason: "the frame does not state its size")
    ) {
      try decompressor.batch(of: unsized, declaredSize: batch.count)
    }
    #expect(
      DecompressionError.corrupt(codec: .zstd, reason: "the frame does not state its size")
        .description == "zstd frame does not decompress: the frame does not state its size")
    let frame = try BatchCompressor(codec: .zstd, maximumBatchBytes: Self.limit).block(of: batch)
    let error = #expect(throws: DecompressionError.self) {
      try decompressor.batch(of: frame + frame, declaredSize: batch.count)
    }
    #expect(error?.description.hasPrefix("zstd frame does not decompress: ") == true)
    #expect(try decompressor.batch(of: frame, declaredSize: batch.count) == batch)
  }

  static func zstdFrameWithoutItsSize(of batch: [UInt8]) throws -> [UInt8] {
    let context = try #require(ZSTD_createCCtx())
    defer { ZSTD_freeCCtx(context) }
    #expect(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0)) == 0)
    var frame = [UInt8](repeating: 0, count: ZSTD_compressBound(batch.count))
    let size = batch.withUnsafeBytes { input in
      frame.withUnsafeMutableBytes { output in
        ZSTD_compress2(context, output.baseAddress, output.count, input.baseAddress, input.count)
      }
    }
    #expect(ZSTD_isError(size) == 0)
    return Array(frame.prefix(size))
  }

  /// An empty block is the batch of zero bytes only for `none`.
  @Test func emptyBlock() throws {
    let none = BatchDecompressor(codec: .none, maximumBatchBytes: Self.limit)
    #expect(try none.batch(of: [], declaredSize: 0) == [])
    for codec in [CompressionCodec.lz4, .zstd] {
      let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Self.limit)
      #expect(throws: DecompressionError.self) {
        try decompressor.batch(of: [], declaredSize: 0)
      }
    }
  }

  /// A refused block leaves the statistics as they were.
  @Test func refusalsDoNotCount() throws {
    let batch = Sample.text.bytes(count: Sample.pageBytes)
    let block = try BatchCompressor(codec: .lz4, maximumBatchBytes: Self.limit).block(of: batch)
    let decompressor = BatchDecompressor(codec: .lz4, maximumBatchBytes: Self.limit)
    _ = try decompressor.batch(of: block, declaredSize: batch.count)
    let before = decompressor.statistics
    #expect(before.batches == 1)
    #expect(before.compressedBytes == block.count)
    _ = try? decompressor.batch(of: Array(block.dropLast()), declaredSize: batch.count)
    _ = try? decompressor.batch(of: block, declaredSize: -1)
    #expect(decompressor.statistics == before)
  }
}
