// libFuzzer target: what a peer could send as a compressed batch, fed to the decompressor of
// every codec. The input is a declared size (3 bytes, little-endian) followed by the block.
//
// Each decompressor must either refuse with one line or decode exactly the declared size into
// an output of exactly that size (ASan sees any write past it); what it decoded must then
// survive a round trip through the compressor of the same codec.
import Compression

private let pageBytes = 8192
/// The engine's batch: 64 pages.
private let limit = 64 * pageBytes

// libFuzzer calls the entry point from one thread only: one compressor and decompressor per
// codec for the whole run, as a channel keeps its own.
nonisolated(unsafe) private let decompressors = CompressionCodec.allCases.map {
  BatchDecompressor(codec: $0, maximumBatchBytes: limit)
}
nonisolated(unsafe) private let compressors = CompressionCodec.allCases.map {
  BatchCompressor(codec: $0, maximumBatchBytes: limit)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size >= 3 else { return 0 }
  let header = Int(data[0]) | Int(data[1]) << 8 | Int(data[2]) << 16
  // Mostly within the limit, sometimes a little above it.
  let declared = header % (limit + 2 * pageBytes)
  let block = UnsafeRawBufferPointer(start: data + 3, count: size - 3)
  let output = UnsafeMutableRawBufferPointer.allocate(
    byteCount: declared <= limit ? declared : 0, alignment: 16)
  defer { output.deallocate() }

  for (decompressor, compressor) in zip(decompressors, compressors) {
    do {
      try decompressor.decompress(block, declaredSize: declared, into: output)
    } catch {
      let line = error.description
      precondition(!line.isEmpty && !line.contains { $0.isNewline }, "multi-line error: \(line)")
      if declared > limit {
        precondition(
          error == .declaredSizeOutOfRange(declared: declared, limit: limit),
          "\(decompressor.codec): declared \(declared) refused as: \(line)")
      }
      continue
    }
    precondition(declared <= limit, "\(decompressor.codec): declared \(declared) accepted")
    let decoded = UnsafeRawBufferPointer(output)
    do {
      try compressor.withCompressedBlock(of: decoded) { again in
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: declared, alignment: 16)
        defer { copy.deallocate() }
        try decompressor.decompress(again, declaredSize: declared, into: copy)
        precondition(
          UnsafeRawBufferPointer(copy).elementsEqual(decoded),
          "\(decompressor.codec): the round trip of a decoded batch differs")
      }
    } catch {
      preconditionFailure(
        "\(decompressor.codec): the round trip of a decoded batch failed: \(error)")
    }
  }
  return 0
}
