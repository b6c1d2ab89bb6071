import Compression
import Testing

/// The compressor's refusals, and the statistics values the engine adds up per channel.
@Suite struct CompressorTests {
  @Test(arguments: CompressionCodec.allCases)
  func batchAboveTheLimitIsRefused(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.pageBytes)
    let batch = Sample.text.bytes(count: Sample.pageBytes + 1)
    let expected = CompressionError.batchTooLarge(bytes: 8193, limit: 8192)
    #expect(throws: expected) { try compressor.block(of: batch) }
    #expect(throws: expected) {
      try batch.withUnsafeBytes { try compressor.withCompressedBlock(of: $0) { _ in } }
    }
    #expect(
      expected.description == "batch of 8193 bytes is above the compressor's limit of 8192 bytes")
    #expect(compressor.statistics == .zero)
  }

  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func outputBelowTheWorstCaseIsRefused(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.pageBytes)
    let batch = Sample.zero.bytes(count: Sample.pageBytes)
    let needed = codec.maximumCompressedSize(forBatchBytes: batch.count)
    var output = [UInt8](repeating: 0, count: needed - 1)
    let error = #expect(throws: CompressionError.self) {
      try batch.withUnsafeBytes { input in
        try output.withUnsafeMutableBytes { try compressor.compress(input, into: $0) }
      }
    }
    #expect(error == .outputTooSmall(capacity: needed - 1, needed: needed, batchBytes: 8192))
    #expect(
      error?.description
        == "output buffer of \(needed - 1) bytes is below the \(needed) bytes a batch of 8192 bytes may need"
    )
  }

  @Test func worstCaseSizes() {
    #expect(CompressionCodec.none.maximumCompressedSize(forBatchBytes: 8192) == 8192)
    #expect(
      CompressionCodec.lz4.maximumCompressedSize(forBatchBytes: 8192) == 8192 + 8192 / 255 + 16)
    #expect(CompressionCodec.zstd.maximumCompressedSize(forBatchBytes: 8192) > 8192)
    #expect(CompressionCodec.lz4.maximumCompressedSize(forBatchBytes: 0) > 0)
    #expect(CompressionCodec.maximumBatchBytes == 0x7E00_0000)
  }

  @Test func statisticsAddUpAndSubtract() {
    let first = CompressionStatistics(
      batches: 2, uncompressedBytes: 16384, compressedBytes: 4096, cpuTime: .milliseconds(2))
    let second = CompressionStatistics(
      batches: 1, uncompressedBytes: 8192, compressedBytes: 4096, cpuTime: .milliseconds(1))
    var sum = CompressionStatistics.zero
    sum += first
    sum += second
    #expect(
      sum
        == CompressionStatistics(
          batches: 3, uncompressedBytes: 24576, compressedBytes: 8192, cpuTime: .milliseconds(3)))
    #expect(sum - second == first)
    #expect(sum.ratio == 3)
    #expect(first.bytesPerCPUSecond == 8_192_000)
    #expect(CompressionStatistics.zero.ratio == nil)
    #expect(CompressionStatistics.zero.bytesPerCPUSecond == nil)
  }

  /// Work done shows as CPU time: compressing and decompressing a few megabytes cannot take
  /// no time at all on any clock.
  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func cpuTimeIsCounted(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let batch = Sample.text.bytes(count: Sample.batchBytes)
    for _ in 0..<8 {
      let block = try compressor.block(of: batch)
      _ = try decompressor.batch(of: block, declaredSize: batch.count)
    }
    #expect(compressor.statistics.cpuTime > .zero)
    #expect(decompressor.statistics.cpuTime > .zero)
    #expect(compressor.statistics.batches == 8)
    #expect(compressor.statistics.uncompressedBytes == 8 * Sample.batchBytes)
  }
}
