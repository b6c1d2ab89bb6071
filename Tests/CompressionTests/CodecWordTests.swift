import Compression
import Testing

/// `--compress WORD`: the three words, and one line for any other.
@Suite struct CodecWordTests {
  @Test(arguments: [("none", CompressionCodec.none), ("lz4", .lz4), ("zstd", .zstd)])
  func parsesTheThreeWords(word: String, codec: CompressionCodec) throws {
    #expect(try CompressionCodec(word: word) == codec)
    #expect(codec.description == word)
  }

  @Test(arguments: [
    ("lzjb", "unknown compression 'lzjb' (expected one of: none, lz4, zstd)"),
    ("", "unknown compression '' (expected one of: none, lz4, zstd)"),
    ("LZ4", "unknown compression 'LZ4' (expected one of: none, lz4, zstd)"),
    (" zstd", "unknown compression ' zstd' (expected one of: none, lz4, zstd)"),
    ("zstd\n-1", "unknown compression 'zstd\\n-1' (expected one of: none, lz4, zstd)"),
    (
      "a\u{2028}b\u{1B}",
      "unknown compression 'a\\u{2028}b\\u{1B}' (expected one of: none, lz4, zstd)"
    ),
    ("zstd-1é", "unknown compression 'zstd-1é' (expected one of: none, lz4, zstd)"),
  ])
  func refusesAnyOtherWordWithOneLine(word: String, message: String) {
    let error = #expect(throws: CompressionCodecWordError(word: word)) {
      try CompressionCodec(word: word)
    }
    #expect(error?.description == message)
    #expect(error?.description.contains { $0.isNewline } == false)
  }
}
