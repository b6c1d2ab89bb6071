import CLZ4
import CZstd

/// Decompresses the blocks a `BatchCompressor` produced, for one channel, and refuses any
/// block that is not one: what arrives over a connection is checked before it is trusted.
///
/// zstd's decompression context is allocated once, at creation; decompressing a block
/// allocates nothing and writes only into the caller's output, never past the declared size.
///
/// Not `Sendable`, on purpose: a decompressor holds mutable C state, so each channel (each
/// thread or event loop that receives) creates and keeps its own.
///
/// Neither codec carries a checksum here: a block that decodes to other bytes of the declared
/// length is accepted, and the migration's page digests are what catch it.
public final class BatchDecompressor {
  /// The codec of every block this decompressor accepts.
  public let codec: CompressionCodec
  /// The largest declared batch size it accepts, in bytes.
  public let maximumBatchBytes: Int
  /// The batches decompressed so far; `cpuTime` is the time spent decompressing.
  public private(set) var statistics = CompressionStatistics.zero

  private let context: OpaquePointer?
  private let maximumBlockBytes: Int

  /// Creates a decompressor that accepts declared sizes of at most `maximumBatchBytes`.
  ///
  /// - Precondition: `maximumBatchBytes` is in `0...CompressionCodec.maximumBatchBytes`.
  public init(codec: CompressionCodec, maximumBatchBytes: Int) {
    self.codec = codec
    self.maximumBatchBytes = maximumBatchBytes
    maximumBlockBytes = codec.maximumCompressedSize(forBatchBytes: maximumBatchBytes)
    if codec == .zstd {
      guard let context = ZSTD_createDCtx() else { fatalError("out of memory for a zstd context") }
      self.context = context
    } else {
      context = nil
    }
  }

  deinit {
    ZSTD_freeDCtx(context)
  }

  /// Decompresses `block` into the first `declaredSize` bytes of `output`.
  ///
  /// The size is checked against `maximumBatchBytes` and `output` before anything is
  /// decoded; the block must then decode to exactly `declaredSize` bytes.
  ///
  /// - Throws: `DecompressionError`, whose description is one line naming the reason; the
  ///   bytes of `output` are then unspecified and `statistics` stay as they were.
  public func decompress(
    _ block: UnsafeRawBufferPointer, declaredSize: Int, into output: UnsafeMutableRawBufferPointer
  ) throws(DecompressionError) {
    guard (0...maximumBatchBytes).contains(declaredSize) else {
      throw .declaredSizeOutOfRange(declared: declaredSize, limit: maximumBatchBytes)
    }
    guard declaredSize <= output.count else {
      throw .outputTooSmall(declared: declaredSize, capacity: output.count)
    }
    guard block.count <= maximumBlockBytes else {
      throw .blockTooLarge(codec: codec, bytes: block.count, limit: maximumBlockBytes)
    }
    let start = ThreadCPUClock.now()
    switch codec {
    case .none:
      guard block.count == declaredSize else {
        throw .sizeMismatch(codec: codec, actual: block.count, declared: declaredSize)
      }
      if let source = block.baseAddress, let destination = output.baseAddress {
        destination.copyMemory(from: source, byteCount: declaredSize)
      }
    case .lz4:
      try decompressLZ4(block, declaredSize: declaredSize, into: output)
    case .zstd:
      try decompressZstd(block, declaredSize: declaredSize, into: output)
    }
    statistics.record(
      uncompressed: declaredSize, compressed: block.count, cpuTime: ThreadCPUClock.now() - start)
  }

  private func decompressLZ4(
    _ block: UnsafeRawBufferPointer, declaredSize: Int, into output: UnsafeMutableRawBufferPointer
  ) throws(DecompressionError) {
    // The capacity is the declared size, so a block that would decode to more is refused as
    // one that does not decompress: the block format cannot tell the two apart.
    let decoded = LZ4_decompress_safe(
      block.baseAddress?.assumingMemoryBound(to: CChar.self),
      output.baseAddress?.assumingMemoryBound(to: CChar.self),
      Int32(block.count), Int32(declaredSize))
    guard decoded >= 0 else {
      throw .corrupt(
        codec: codec,
        reason: "corrupt, or longer than the declared \(declaredSize) bytes")
    }
    guard Int(decoded) == declaredSize else {
      throw .sizeMismatch(codec: codec, actual: Int(decoded), declared: declaredSize)
    }
  }

  private func decompressZstd(
    _ block: UnsafeRawBufferPointer, declaredSize: Int, into output: UnsafeMutableRawBufferPointer
  ) throws(DecompressionError) {
    let stated = ZSTD_getFrameContentSize(block.baseAddress, block.count)
    if stated == ldm_zstd_contentsize_error() {
      throw .corrupt(codec: codec, reason: "not a zstd frame")
    }
    if stated == ldm_zstd_contentsize_unknown() {
      throw .corrupt(codec: codec, reason: "the frame does not state its size")
    }
    guard stated == UInt64(declaredSize) else {
      // A stated size past Int.max is reported as Int.max: still not the declared one.
      throw .sizeMismatch(
        codec: codec, actual: Int(clamping: stated), declared: declaredSize)
    }
    let decoded = ZSTD_decompressDCtx(
      context, output.baseAddress, declaredSize, block.baseAddress, block.count)
    guard ZSTD_isError(decoded) == 0 else {
      throw .corrupt(codec: codec, reason: String(cString: ZSTD_getErrorName(decoded)))
    }
    // zstd holds each frame to the size it states; this holds the whole block, whatever frames
    // follow the first, to the declared size.
    guard decoded == declaredSize else {
      throw .sizeMismatch(codec: codec, actual: decoded, declared: declaredSize)
    }
  }
}

/// Why a compressed block was refused. Each description is one line naming the reason.
public enum DecompressionError: Error, Equatable, CustomStringConvertible {
  /// The declared batch size is negative or above the decompressor's limit.
  case declaredSizeOutOfRange(declared: Int, limit: Int)
  /// The caller's output buffer is smaller than the declared size.
  case outputTooSmall(declared: Int, capacity: Int)
  /// The block is larger than any block of a batch within the limit can be.
  case blockTooLarge(codec: CompressionCodec, bytes: Int, limit: Int)
  /// The block does not decode.
  case corrupt(codec: CompressionCodec, reason: String)
  /// The block decodes (or states that it decodes) to another size than the declared one.
  case sizeMismatch(codec: CompressionCodec, actual: Int, declared: Int)

  /// One line naming the reason.
  public var description: String {
    switch self {
    case .declaredSizeOutOfRange(let declared, let limit):
      "declared batch size \(declared) bytes is outside 0...\(limit)"
    case .outputTooSmall(let declared, let capacity):
      "declared batch size \(declared) bytes does not fit the output buffer of \(capacity) bytes"
    case .blockTooLarge(let codec, let bytes, let limit):
      "\(Self.name(of: codec)) of \(bytes) bytes is above the \(limit) bytes any batch can take"
    case .corrupt(let codec, let reason):
      "\(Self.name(of: codec)) does not decompress: \(oneLine(reason))"
    case .sizeMismatch(let codec, let actual, let declared):
      "\(Self.name(of: codec)) holds \(actual) bytes, not the declared \(declared)"
    }
  }

  private static func name(of codec: CompressionCodec) -> String {
    switch codec {
    case .none: "uncompressed block"
    case .lz4: "lz4 block"
    case .zstd: "zstd frame"
    }
  }
}
