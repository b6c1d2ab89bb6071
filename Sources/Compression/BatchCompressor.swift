import CLZ4
import CZstd

/// Compresses batches of pages, one block per batch, for one channel.
///
/// Everything it needs is allocated once, at creation: zstd's compression context and an
/// output buffer for the largest batch. Compressing a batch allocates nothing.
///
/// Not `Sendable`, on purpose: a compressor holds mutable C state, so each channel (each
/// thread or event loop that sends) creates and keeps its own, and adds its `statistics` to the
/// channel's.
public final class BatchCompressor {
  /// The codec of every block this compressor produces.
  public let codec: CompressionCodec
  /// The largest batch it accepts, in bytes.
  public let maximumBatchBytes: Int
  /// The batches compressed so far; `cpuTime` is the time spent compressing.
  public private(set) var statistics = CompressionStatistics.zero

  private let context: OpaquePointer?
  private let buffer: UnsafeMutableRawBufferPointer

  /// Creates a compressor for batches of at most `maximumBatchBytes` bytes.
  ///
  /// - Precondition: `maximumBatchBytes` is in `0...CompressionCodec.maximumBatchBytes`.
  public init(codec: CompressionCodec, maximumBatchBytes: Int) {
    self.codec = codec
    self.maximumBatchBytes = maximumBatchBytes
    let capacity = codec.maximumCompressedSize(forBatchBytes: maximumBatchBytes)
    buffer = .allocate(byteCount: codec == .none ? 0 : capacity, alignment: 16)
    if codec == .zstd {
      guard let context = ZSTD_createCCtx() else { fatalError("out of memory for a zstd context") }
      self.context = context
    } else {
      context = nil
    }
  }

  deinit {
    ZSTD_freeCCtx(context)
    buffer.deallocate()
  }

  /// Compresses `batch` into the start of `output` and returns the size of the block.
  ///
  /// `output` must hold `codec.maximumCompressedSize(forBatchBytes: batch.count)` bytes, so
  /// compression cannot run out of room. With `.none` the block is a copy of the batch.
  ///
  /// - Throws: `CompressionError` for a batch above `maximumBatchBytes`, an output buffer
  ///   below that size, or a failure inside zstd; `statistics` then stay as they were.
  public func compress(
    _ batch: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) throws(CompressionError) -> Int {
    guard batch.count <= maximumBatchBytes else {
      throw .batchTooLarge(bytes: batch.count, limit: maximumBatchBytes)
    }
    let needed = codec.maximumCompressedSize(forBatchBytes: batch.count)
    guard output.count >= needed else {
      throw .outputTooSmall(capacity: output.count, needed: needed, batchBytes: batch.count)
    }
    let start = ThreadCPUClock.now()
    let size: Int
    switch codec {
    case .none:
      if let source = batch.baseAddress, let destination = output.baseAddress {
        destination.copyMemory(from: source, byteCount: batch.count)
      }
      size = batch.count
    case .lz4:
      // Cannot fail: the output holds LZ4_compressBound of the batch, which is at most
      // LZ4_MAX_INPUT_SIZE; 0 would mean it did not fit.
      let written = LZ4_compress_default(
        batch.baseAddress?.assumingMemoryBound(to: CChar.self),
        output.baseAddress?.assumingMemoryBound(to: CChar.self),
        Int32(batch.count), Int32(clamping: output.count))
      guard written > 0 else { throw .failed(codec: codec, reason: "no room in the output") }
      size = Int(written)
    case .zstd:
      let written = ZSTD_compressCCtx(
        context, output.baseAddress, output.count, batch.baseAddress, batch.count, 1)
      guard ZSTD_isError(written) == 0 else {
        throw .failed(codec: codec, reason: String(cString: ZSTD_getErrorName(written)))
      }
      size = written
    }
    statistics.record(
      uncompressed: batch.count, compressed: size, cpuTime: ThreadCPUClock.now() - start)
    return size
  }

  /// Compresses `batch` into the compressor's own buffer and passes the block to `body`.
  ///
  /// The block is valid only inside `body`: the next batch reuses the buffer. With `.none`
  /// the block is `batch` itself, not a copy.
  ///
  /// - Throws: `CompressionError` as `compress(_:into:)` does, or what `body` throws.
  public func withCompressedBlock<Result>(
    of batch: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    if codec == .none {
      guard batch.count <= maximumBatchBytes else {
        throw CompressionError.batchTooLarge(bytes: batch.count, limit: maximumBatchBytes)
      }
      statistics.record(uncompressed: batch.count, compressed: batch.count, cpuTime: .zero)
      return try body(batch)
    }
    let size = try compress(batch, into: buffer)
    return try body(UnsafeRawBufferPointer(rebasing: buffer[..<size]))
  }
}

/// Why a batch could not be compressed. Each description is one line.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
  /// The batch is larger than the compressor was made for.
  case batchTooLarge(bytes: Int, limit: Int)
  /// The output buffer is smaller than the worst case of the batch.
  case outputTooSmall(capacity: Int, needed: Int, batchBytes: Int)
  /// The codec's library refused the batch.
  case failed(codec: CompressionCodec, reason: String)

  /// One line naming the reason.
  public var description: String {
    switch self {
    case .batchTooLarge(let bytes, let limit):
      "batch of \(bytes) bytes is above the compressor's limit of \(limit) bytes"
    case .outputTooSmall(let capacity, let needed, let batchBytes):
      "output buffer of \(capacity) bytes is below the \(needed) bytes a batch of "
        + "\(batchBytes) bytes may need"
    case .failed(let codec, let reason):
      "\(codec) compression failed: \(oneLine(reason))"
    }
  }
}
