import Compression
import Hypervisor

/// A `PAGES-COMPRESSED` frame: the records of one page batch compressed as one block with the
/// codec the hello negotiated. The layout (docs/protocol.md) is the `PAGES` header (length,
/// type, pass, count), the codec's protocol byte, the length of the records once decompressed,
/// then the block.
///
/// Decoding checks only the header: the block is trusted once it decompressed, on the
/// receiving channel's own decompressor, into records that are then checked as any `PAGES`
/// frame's are.
public struct CompressedPageBatch: Sendable, Equatable {
  public let pass: Int
  public let count: Int
  public let codec: CompressionCodec
  /// Bytes of the records once decompressed.
  public let recordsBytes: Int
  let frame: [UInt8]

  /// Bytes before the block: length, type, pass, count, codec, records length.
  public static let frameHeaderBytes = PageRecord.frameHeaderBytes + 1 + 4

  /// The `PAGES-COMPRESSED` frame of a finished `PAGES` frame, its records compressed by
  /// `compressor` (whose statistics count the batch).
  ///
  /// - Throws: `CompressionError` when the codec's library refuses the records.
  public static func frame(compressing pages: [UInt8], with compressor: BatchCompressor) throws
    -> [UInt8]
  {
    try pages.withUnsafeBytes { raw in
      let header = PageRecord.frameHeaderBytes
      let records = UnsafeRawBufferPointer(rebasing: raw[header...])
      return try compressor.withCompressedBlock(of: records) { block in
        var frame = [UInt8]()
        frame.reserveCapacity(frameHeaderBytes + block.count)
        put32(UInt32(frameHeaderBytes - 4 + block.count), into: &frame)
        frame.append(MessageType.compressedPages.rawValue)
        frame.append(contentsOf: raw[5..<header])
        frame.append(compressor.codec.protocolCode)
        put32(UInt32(records.count), into: &frame)
        frame.append(contentsOf: block)
        return frame
      }
    }
  }

  /// Checks the header of a `PAGES-COMPRESSED` frame whose type was read up to `reader`.
  init(frame: [UInt8], reader: inout WireReader) throws(ProtocolError) {
    pass = Int(try reader.u32("pages pass"))
    count = try reader.count32("pages count", limit: ProtocolLimits.maxBatchPages)
    let code = try reader.u8("codec")
    guard let codec = CompressionCodec(protocolCode: code), codec != .none else {
      throw ProtocolError("PAGES-COMPRESSED names codec \(code), which is not lz4 (1) or zstd (2)")
    }
    self.codec = codec
    let least = count * PageRecord.headerBytes
    let most = count * PageRecord.normalBytes
    recordsBytes = Int(try reader.u32("records length"))
    guard (least...most).contains(recordsBytes) else {
      throw ProtocolError(
        "PAGES-COMPRESSED declares \(recordsBytes) bytes of records; \(count) records take"
          + " \(least)...\(most)")
    }
    reader.skip(reader.remaining)
    self.frame = frame
  }

  /// The batch its block decompresses to, its records checked as a `PAGES` frame's are.
  ///
  /// - Throws: `ProtocolError` naming the pass and why the block was refused: another codec
  ///   than `decompressor`'s, a block that does not decompress to the declared length, or
  ///   records that are not valid.
  public func decompressed(with decompressor: BatchDecompressor) throws(ProtocolError)
    -> PageBatch
  {
    guard codec == decompressor.codec else {
      throw ProtocolError(
        "PAGES-COMPRESSED of pass \(pass) is in \(codec), but \(decompressor.codec) was agreed")
    }
    let header = PageRecord.frameHeaderBytes
    var pages = [UInt8](repeating: 0, count: header + recordsBytes)
    Self.put32(UInt32(header - 4 + recordsBytes), into: &pages, at: 0)
    pages[4] = MessageType.pages.rawValue
    for index in 5..<header { pages[index] = frame[index] }
    let failure: DecompressionError? = frame.withUnsafeBytes { raw in
      pages.withUnsafeMutableBytes { output in
        do throws(DecompressionError) {
          try decompressor.decompress(
            UnsafeRawBufferPointer(rebasing: raw[Self.frameHeaderBytes...]),
            declaredSize: recordsBytes,
            into: UnsafeMutableRawBufferPointer(rebasing: output[header...]))
          return nil
        } catch {
          return error
        }
      }
    }
    if let failure {
      throw ProtocolError("PAGES-COMPRESSED of pass \(pass): \(failure)")
    }
    let message: MigrationMessage
    do {
      message = try MessageCodec.decode(frame: pages)
    } catch {
      throw ProtocolError("PAGES-COMPRESSED of pass \(pass) decompressed to \(error.reason)")
    }
    guard case .pages(let batch) = message, batch.count == count else {
      throw ProtocolError("PAGES-COMPRESSED of pass \(pass) holds other than \(count) records")
    }
    return batch
  }

  /// The frame as it travels.
  public var bytes: [UInt8] { frame }

  /// Bytes of the compressed block.
  public var blockBytes: Int { frame.count - Self.frameHeaderBytes }

  private static func put32(_ value: UInt32, into frame: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { frame.append(contentsOf: $0) }
  }

  private static func put32(_ value: UInt32, into frame: inout [UInt8], at offset: Int) {
    frame.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
  }
}
