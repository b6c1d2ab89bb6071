import CLZ4
import CZstd

/// How each batch of pages is compressed on the wire (`--compress none|lz4|zstd`).
///
/// Oracle VM Server for SPARC compresses migrated memory with LZJB; QEMU's multifd channels
/// offer zstd. Here lz4 is the fast choice and zstd (level 1) the denser one; `none` sends the
/// pages as they are. Both sides of a migration must use the same codec: the protocol's hello
/// negotiates it.
public enum CompressionCodec: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// Pages go out as they are.
  case none
  /// LZ4's block format (`LZ4_compress_default` / `LZ4_decompress_safe`).
  case lz4
  /// One zstd frame per batch, at level 1, which states its decompressed size.
  case zstd

  /// Parses the command-line word (`none`, `lz4` or `zstd`, exactly as written).
  ///
  /// - Throws: `CompressionCodecWordError`, whose description names the word and the choices.
  public init(word: String) throws(CompressionCodecWordError) {
    guard let codec = CompressionCodec(rawValue: word) else {
      throw CompressionCodecWordError(word: word)
    }
    self = codec
  }

  /// The command-line word.
  public var description: String { rawValue }

  /// The byte that names the codec in the protocol (HELLO's offer, HELLO-ACCEPTED's choice and
  /// each PAGES-COMPRESSED frame, docs/protocol.md).
  public var protocolCode: UInt8 {
    switch self {
    case .none: 0
    case .lz4: 1
    case .zstd: 2
    }
  }

  /// The codec a protocol byte names, or nil for a byte this side does not know.
  public init?(protocolCode: UInt8) {
    guard let codec = Self.allCases.first(where: { $0.protocolCode == protocolCode }) else {
      return nil
    }
    self = codec
  }

  /// The largest batch any codec takes in one block, about 2 GiB: lz4's block format counts
  /// in 32-bit signed sizes, and one limit for all keeps the codecs interchangeable when the
  /// hello negotiates one.
  public static let maximumBatchBytes = Int(LZ4_MAX_INPUT_SIZE)

  /// The most bytes a batch of `batchBytes` bytes can take once compressed: an output buffer of
  /// this size never makes compression fail.
  ///
  /// - Precondition: `batchBytes` is in `0...CompressionCodec.maximumBatchBytes`.
  public func maximumCompressedSize(forBatchBytes batchBytes: Int) -> Int {
    precondition(
      (0...Self.maximumBatchBytes).contains(batchBytes),
      "a batch of \(batchBytes) bytes is outside 0...\(Self.maximumBatchBytes)")
    switch self {
    case .none: return batchBytes
    case .lz4: return Int(LZ4_compressBound(Int32(batchBytes)))
    case .zstd: return ZSTD_compressBound(batchBytes)
    }
  }
}

/// A command-line word that names no codec.
public struct CompressionCodecWordError: Error, Equatable, CustomStringConvertible {
  /// The word as given.
  public let word: String

  /// Creates the error for `word`.
  public init(word: String) {
    self.word = word
  }

  /// One line: `unknown compression 'WORD' (expected one of: none, lz4, zstd)`, with any
  /// control character of the word escaped so the line stays one line.
  public var description: String {
    let choices = CompressionCodec.allCases.map(\.rawValue).joined(separator: ", ")
    return "unknown compression '\(oneLine(word))' (expected one of: \(choices))"
  }
}

/// `text` with every control, format and line-separator character written as a Swift escape,
/// so that an error quoting it is one line whatever it holds.
func oneLine(_ text: String) -> String {
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned:
      result += scalar.escaped(asASCII: true)
    default:
      result.unicodeScalars.append(scalar)
    }
  }
  return result
}
