import Compression
import Testing

/// The kinds of guest memory the round trips run on, made from a fixed seed so that a failure
/// replays.
enum Sample: String, CaseIterable, CustomTestStringConvertible {
  case zero
  case random
  case text
  case repetitive

  static let pageBytes = 8192
  /// A batch of 64 pages, the engine's batch size.
  static let batchBytes = 64 * pageBytes
  static let sizes = [0, 1, 100, pageBytes, 3 * pageBytes + 17, batchBytes]

  var testDescription: String { rawValue }

  func bytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    switch self {
    case .zero:
      return [UInt8](repeating: 0, count: count)
    case .random:
      return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    case .text:
      let words = [
        "ldm", "migrate", "domain", "memory", "page", "pass", "the", "of", "vcpu", "bound",
        "active", "suspended", "primary", "sparc-t4-b", "0x4000", "return", "if", "{", "}",
      ]
      var text: [UInt8] = []
      text.reserveCapacity(count + 16)
      while text.count < count {
        text += words.randomElement(using: &random)!.utf8
        text.append(Bool.random(using: &random) ? 0x20 : 0x0A)
      }
      return Array(text.prefix(count))
    case .repetitive:
      // A record of 48 bytes repeated, its counter field counting up: a table in memory.
      return (0..<count).map { index in
        let record = index / 48
        let offset = index % 48
        return offset < 8 ? UInt8(truncatingIfNeeded: record >> (offset * 8)) : UInt8(offset)
      }
    }
  }
}

/// SplitMix64: a small generator with a seed, so the samples and the bit flips are the same on
/// every run.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension BatchCompressor {
  /// The block of `batch`, through `compress(_:into:)` and an output of the worst-case size.
  func block(of batch: [UInt8]) throws(CompressionError) -> [UInt8] {
    var output = [UInt8](
      repeating: 0, count: codec.maximumCompressedSize(forBatchBytes: batch.count))
    // withUnsafeBytes rethrows untyped: the typed error comes out through a Result.
    let size = try batch.withUnsafeBytes { input in
      output.withUnsafeMutableBytes { output in
        Result { () throws(CompressionError) in try compress(input, into: output) }
      }
    }.get()
    return Array(output.prefix(size))
  }
}

extension BatchDecompressor {
  /// The batch `block` decodes to, into an output of exactly `declaredSize` bytes (of none
  /// when that is out of range, which is refused before the output is looked at).
  func batch(of block: [UInt8], declaredSize: Int) throws(DecompressionError) -> [UInt8] {
    try batch(
      of: block, declaredSize: declaredSize,
      outputBytes: (0...maximumBatchBytes).contains(declaredSize) ? declaredSize : 0)
  }

  /// The whole output buffer of `outputBytes` bytes, filled with 0xA5 beforehand, after
  /// decoding `block` into it: what lies past the declared size shows whether it was touched.
  func batch(
    of block: [UInt8], declaredSize: Int, outputBytes: Int
  ) throws(DecompressionError) -> [UInt8] {
    var output = [UInt8](repeating: 0xA5, count: outputBytes)
    try block.withUnsafeBytes { input in
      output.withUnsafeMutableBytes { output in
        Result { () throws(DecompressionError) in
          try decompress(input, declaredSize: declaredSize, into: output)
        }
      }
    }.get()
    return output
  }
}
