import Compression
import Testing

/// Every codec gives back the exact batch it was given, on every kind of memory and size.
@Suite struct RoundTripTests {
  @Test(arguments: CompressionCodec.allCases, Sample.allCases)
  func decodesToTheSameBytes(codec: CompressionCodec, sample: Sample) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    for size in Sample.sizes {
      let batch = sample.bytes(count: size)
      let block = try compressor.block(of: batch)
      #expect(block.count <= codec.maximumCompressedSize(forBatchBytes: size))
      let decoded = try decompressor.batch(of: block, declaredSize: size)
      #expect(decoded == batch, "\(codec), \(sample), \(size) bytes")
    }
    let total = Sample.sizes.reduce(0, +)
    #expect(compressor.statistics.batches == Sample.sizes.count)
    #expect(compressor.statistics.uncompressedBytes == total)
    #expect(decompressor.statistics.batches == Sample.sizes.count)
    #expect(decompressor.statistics.uncompressedBytes == total)
    #expect(decompressor.statistics.compressedBytes == compressor.statistics.compressedBytes)
  }

  /// The compressor's own buffer gives the same blocks as a caller's, and is the same buffer
  /// batch after batch.
  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func ownBufferIsReused(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    var addresses: Set<UnsafeRawPointer> = []
    for (index, sample) in Sample.allCases.enumerated() {
      let batch = sample.bytes(count: Sample.batchBytes, seed: UInt64(index))
      let expected = try compressor.block(of: batch)
      let block = try batch.withUnsafeBytes { input in
        try compressor.withCompressedBlock(of: input) { block in
          addresses.insert(block.baseAddress!)
          return Array(block)
        }
      }
      #expect(block == expected)
      #expect(try decompressor.batch(of: block, declaredSize: batch.count) == batch)
    }
    #expect(addresses.count == 1)
    #expect(compressor.statistics.batches == 2 * Sample.allCases.count)
  }

  /// With `none` the block handed over is the batch itself, not a copy.
  @Test func noneHandsOverTheBatchItself() throws {
    let compressor = BatchCompressor(codec: .none, maximumBatchBytes: Sample.pageBytes)
    let batch = Sample.text.bytes(count: Sample.pageBytes)
    try batch.withUnsafeBytes { input in
      try compressor.withCompressedBlock(of: input) { block in
        #expect(block.baseAddress == input.baseAddress)
        #expect(block.count == input.count)
      }
    }
    #expect(
      compressor.statistics
        == CompressionStatistics(
          batches: 1, uncompressedBytes: batch.count, compressedBytes: batch.count))
  }

  /// Memory that compresses does: a batch of zero pages shrinks at least a hundredfold, text
  /// at least by half, and random bytes grow by no more than the codec's bound.
  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func compressibleMemoryShrinks(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let zero = try compressor.block(of: Sample.zero.bytes(count: Sample.batchBytes))
    #expect(zero.count * 100 < Sample.batchBytes)
    let text = try compressor.block(of: Sample.text.bytes(count: Sample.batchBytes))
    #expect(text.count * 2 < Sample.batchBytes)
    let repetitive = try compressor.block(of: Sample.repetitive.bytes(count: Sample.batchBytes))
    #expect(repetitive.count * 4 < Sample.batchBytes)
    let random = try compressor.block(of: Sample.random.bytes(count: Sample.batchBytes))
    #expect(random.count > Sample.batchBytes - Sample.pageBytes)
    #expect(compressor.statistics.ratio! > 1)
  }

  /// Decompression writes the declared bytes and nothing past them.
  @Test(arguments: CompressionCodec.allCases)
  func outputPastTheDeclaredSizeIsUntouched(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    let batch = Sample.zero.bytes(count: Sample.pageBytes)
    let block = try compressor.block(of: batch)
    let output = try decompressor.batch(
      of: block, declaredSize: batch.count, outputBytes: 2 * Sample.pageBytes)
    #expect(Array(output.prefix(batch.count)) == batch)
    #expect(output.dropFirst(batch.count).allSatisfy { $0 == 0xA5 })
  }

  /// A batch made on one side decodes on the other whatever else each side did before: the
  /// reused contexts carry nothing from one batch into the next.
  @Test(arguments: [CompressionCodec.lz4, .zstd])
  func blocksAreIndependentOfEachOther(codec: CompressionCodec) throws {
    let compressor = BatchCompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    var blocks: [(batch: [UInt8], block: [UInt8])] = []
    for seed in 1...4 {
      for sample in Sample.allCases {
        let batch = sample.bytes(count: Sample.pageBytes * seed, seed: UInt64(seed))
        blocks.append((batch, try compressor.block(of: batch)))
      }
    }
    // Decoded in reverse order, each by a decompressor that has decoded the others.
    let decompressor = BatchDecompressor(codec: codec, maximumBatchBytes: Sample.batchBytes)
    for (batch, block) in blocks.reversed() {
      #expect(try decompressor.batch(of: block, declaredSize: batch.count) == batch)
      #expect(
        try BatchCompressor(codec: codec, maximumBatchBytes: batch.count).block(of: batch)
          == block)
    }
  }
}
