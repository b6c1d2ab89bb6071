import Foundation
import Testing

@testable import Hypervisor

/// The `files` profile reads what it can and skips what it cannot.
@Suite struct FileCorpusTests {
  /// A folder of three files of 12 KiB, each byte its file's letter.
  func folder() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ldm-corpus-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("share"), withIntermediateDirectories: true)
    for name in ["a", "b", "c"] {
      let bytes = Data(repeating: name.utf8.first!, count: 12 << 10)
      try bytes.write(to: root.appendingPathComponent("share/\(name)"))
    }
    // Too small to be taken, and a link that must not be followed.
    try Data(repeating: 1, count: 100).write(to: root.appendingPathComponent("share/small"))
    try FileManager.default.createSymbolicLink(
      at: root.appendingPathComponent("share/link"),
      withDestinationURL: root.appendingPathComponent("share/a"))
    return root
  }

  func page(_ cursor: inout FileCursor) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0xEE, count: GuestMemory.pageSize)
    let filled = bytes.withUnsafeMutableBytes { cursor.fillPage($0.baseAddress!) }
    return filled ? bytes : nil
  }

  @Test func aFileThatCannotBeReadIsSkipped() throws {
    let root = try folder()
    defer { try? FileManager.default.removeItem(at: root) }
    let corpus = FileCorpus(roots: [root.path])
    #expect(corpus.paths == ["a", "b", "c"].map { root.path + "/share/" + $0 })
    try FileManager.default.removeItem(at: root.appendingPathComponent("share/b"))
    var cursor = FileCursor(corpus: corpus, seed: 0)
    defer { cursor.finish() }
    let page8K = GuestMemory.pageSize
    let pages = (0..<5).compactMap { _ in page(&cursor) }
    #expect(pages.count == 5)
    // a: 8 KiB, then 4 KiB and zeros; b is gone; c the same; then a again.
    #expect(pages[0] == [UInt8](repeating: 0x61, count: page8K))
    #expect(pages[1] == [UInt8](repeating: 0x61, count: 4096) + [UInt8](repeating: 0, count: 4096))
    #expect(pages[2] == [UInt8](repeating: 0x63, count: page8K))
    #expect(pages[3] == [UInt8](repeating: 0x63, count: 4096) + [UInt8](repeating: 0, count: 4096))
    #expect(pages[4] == [UInt8](repeating: 0x61, count: page8K))
  }

  /// With no file to read, a `files` page holds what a `mixed` page would.
  @Test func noReadableFileFallsBackToMixedContent() throws {
    let corpus = FileCorpus(roots: ["/nonexistent/ldm-console"])
    #expect(corpus.paths.isEmpty)
    #expect(corpus.lines.isEmpty)
    var cursor = FileCursor(corpus: corpus, seed: 3)
    #expect(page(&cursor) == nil)
    var filler = ContentFiller(profile: .files, seed: 5, corpus: corpus)
    var mixed = ContentFiller(profile: .mixed, seed: 5, corpus: corpus)
    for index in 0..<64 {
      var a = [UInt8](repeating: 0, count: GuestMemory.pageSize)
      var b = a
      a.withUnsafeMutableBytes { filler.fill($0.baseAddress!, index: index, fresh: true) }
      b.withUnsafeMutableBytes { mixed.fill($0.baseAddress!, index: index, fresh: true) }
      #expect(a == b)
    }
  }
}
