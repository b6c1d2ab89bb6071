import Hypervisor
import Testing

@testable import Migration

/// The XBZRLE encoding on its own: what it encodes applies back exactly, it gives up where a
/// page changed too much, and a receiver refuses every encoding that is not well formed.
@Suite struct XBZRLECodecTests {
  static let size = GuestMemory.pageSize

  /// A page of seeded noise.
  static func page(seed: UInt64) -> [UInt8] {
    var random = DeterministicRandom(seed: seed)
    return (0..<size / 8).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } }
  }

  /// The encoding of `new` against `old`, or nil when it overflows.
  static func encode(_ old: [UInt8], _ new: [UInt8]) -> [UInt8]? {
    var output = [UInt8](repeating: 0, count: XBZRLE.maximumEncodedBytes)
    let length = old.withUnsafeBytes { before in
      new.withUnsafeBytes { after in
        output.withUnsafeMutableBytes { out in
          XBZRLE.encode(old: before.baseAddress!, new: after.baseAddress!, into: out.baseAddress!)
        }
      }
    }
    return length.map { Array(output.prefix($0)) }
  }

  static func validate(_ encoded: [UInt8]) throws(ProtocolError) {
    let result: Result<Void, ProtocolError> = encoded.withUnsafeBytes { bytes in
      do throws(ProtocolError) {
        try XBZRLE.validate(bytes, page: 7)
        return .success(())
      } catch {
        return .failure(error)
      }
    }
    try result.get()
  }

  static func applied(_ encoded: [UInt8], to old: [UInt8]) -> [UInt8] {
    var page = old
    encoded.withUnsafeBytes { bytes in
      page.withUnsafeMutableBytes { XBZRLE.apply(bytes, to: $0.baseAddress!) }
    }
    return page
  }

  @Test func guestStoresComeBackExactlyWhateverTheirPlaceAndNumber() throws {
    var random = DeterministicRandom(seed: 99)
    for round in 0..<300 {
      let old = Self.page(seed: UInt64(round))
      var new = old
      // A few stores of one to sixteen words, as a guest's cache lines.
      for _ in 0..<(1 + random.next(below: 12)) {
        let word = random.next(below: Self.size / 8)
        for offset in word..<min(Self.size / 8, word + 1 + random.next(below: 16)) {
          let value = random.next()
          withUnsafeBytes(of: value) { new.replaceSubrange(offset * 8..<offset * 8 + 8, with: $0) }
        }
      }
      let encoded = try #require(Self.encode(old, new), "round \(round)")
      try Self.validate(encoded)
      #expect(Self.applied(encoded, to: old) == new, "round \(round)")
      #expect(encoded.count < Self.size / 2, "round \(round): \(encoded.count) bytes")
    }
  }

  @Test func anUnchangedPageIsAnEmptyEncoding() throws {
    let page = Self.page(seed: 1)
    #expect(Self.encode(page, page) == [])
    try Self.validate([])
  }

  @Test func theFirstAndLastWordsAreCovered() throws {
    let old = Self.page(seed: 2)
    var new = old
    new[0] ^= 1
    new[Self.size - 1] ^= 0x80
    let encoded = try #require(Self.encode(old, new))
    // Run 1: none unchanged, 8 changed; run 2: 8176 unchanged (two bytes), 8 changed.
    #expect(encoded.count == 1 + 1 + 8 + 2 + 1 + 8)
    #expect(Self.applied(encoded, to: old) == new)
  }

  @Test func aPageThatChangedAlmostEverywhereGoesWhole() {
    let old = Self.page(seed: 3)
    #expect(Self.encode(old, Self.page(seed: 4)) == nil)
  }

  /// Every other word changed: each run costs its two counts beside its 8 bytes, still less
  /// than the page.
  @Test func scatteredStoresStillEncodeAndApply() throws {
    let old = Self.page(seed: 3)
    var alternate = old
    for word in stride(from: 0, to: Self.size / 8, by: 2) { alternate[word * 8] ^= 0xFF }
    let encoded = try #require(Self.encode(old, alternate))
    #expect(encoded.count == 512 * 10)
    #expect(Self.applied(encoded, to: old) == alternate)
  }

  @Test(
    arguments: [
      ([0x00], "XBZRLE of page 7: the encoding ends inside a run"),
      ([0x00, 0x00], "XBZRLE of page 7: a run of 0 changed bytes"),
      ([0x00, 0x08, 1, 2, 3], "XBZRLE of page 7: a run of 8 changed bytes, 3 left"),
      (
        [0x03, 0x08] + Array(repeating: 0, count: 8),
        "XBZRLE of page 7: 3 unchanged bytes (a multiple of 8 up to 8192)"
      ),
      ([0x80, 0x40, 0x08], "XBZRLE of page 7: runs reach byte 8200 of an 8192-byte page"),
      ([0x88, 0x00, 0x08], "XBZRLE of page 7: a count is not in the fewest bytes (at most two)"),
      (
        [0x80, 0x80, 0x01, 0x08],
        "XBZRLE of page 7: a count is not in the fewest bytes (at most two)"
      ),
      ([0x88], "XBZRLE of page 7: the encoding ends inside a count"),
      ([0x80, 0x41, 0x08], "XBZRLE of page 7: 8320 unchanged bytes (a multiple of 8 up to 8192)"),
    ] as [([UInt8], String)])
  func aMalformedEncodingIsRefusedWithItsReason(encoded: [UInt8], reason: String) {
    #expect(throws: ProtocolError(reason)) { try Self.validate(encoded) }
  }

  /// A batch carries a difference as a record of its own, read back as such, and its bounds
  /// hold: a record is never longer than the page's own.
  @Test func aBatchCarriesDifferencesBesidePagesAndZeros() throws {
    let old = Self.page(seed: 5)
    var new = old
    new[100] ^= 0x55
    var writer = PageBatchWriter(pass: 2, capacity: 3)
    writer.appendZero(page: 1)
    let encoded = old.withUnsafeBytes { before in
      new.withUnsafeBytes { after in
        writer.appendDelta(page: 2, old: before.baseAddress!, new: after.baseAddress!)
      }
    }
    #expect(encoded == 1 + 1 + 8)
    new.withUnsafeBytes { writer.append(page: 3, bytes: $0.baseAddress!) }
    guard case .pages(let batch) = try MessageCodec.decode(frame: writer.finish()) else {
      Issue.record("not a batch")
      return
    }
    #expect(batch.deltaCount == 1)
    var seen: [String] = []
    batch.forEachRecord { page, content in
      switch content {
      case .zero: seen.append("\(page) zero")
      case .page: seen.append("\(page) page")
      case .delta(let delta):
        seen.append("\(page) delta \(delta.count)")
        var target = old
        target.withUnsafeMutableBytes { delta.apply(to: $0.baseAddress!) }
        #expect(target == new)
      }
    }
    #expect(seen == ["1 zero", "2 delta 10", "3 page"])
  }

  @Test func aBatchWithAMalformedDifferenceIsRefusedWhole() throws {
    var frame = [UInt8]()
    let record: [UInt8] = [0x00, 0x00]  // a run of no changed bytes
    let body: [UInt8] =
      [MessageType.pages.rawValue] + [0, 0, 0, 2] + [0, 0, 0, 1]
      + withUnsafeBytes(of: (UInt64(4) * 8192 | PageRecord.xbzrle).bigEndian) { Array($0) }
      + [0, UInt8(record.count)] + record
    frame += withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) } + body
    #expect(throws: ProtocolError("XBZRLE of page 4: a run of 0 changed bytes")) {
      try MessageCodec.decode(frame: frame)
    }
  }
}

extension XBZRLECodecTests {
  /// The length of an XBZRLE record is checked before its encoding is read.
  @Test func aRecordLongerThanAPageRecordIsRefused() throws {
    let body: [UInt8] =
      [MessageType.pages.rawValue] + [0, 0, 0, 2] + [0, 0, 0, 1]
      + withUnsafeBytes(of: (UInt64(4) * 8192 | PageRecord.xbzrle).bigEndian) { Array($0) }
      + [0x1F, 0xFF] + Array(repeating: 0, count: 8191)
    let frame = withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) } + body
    #expect(
      throws: ProtocolError("page record 0: an XBZRLE encoding of 8191 bytes (at most 8190)")
    ) {
      try MessageCodec.decode(frame: frame)
    }
  }
}
