import Hypervisor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The page stream's record format, as QEMU's `ram.c` lays it out: each record starts with a
/// big-endian 64-bit word holding the page's byte offset in the domain's memory with flag bits
/// in its low bits (the offset is page-aligned, so they are free). A zero page is the word
/// alone: a marker. A normal page is the word and the page's 8 KiB.
public enum PageRecord {
  /// The page is all zeros; nothing follows.
  public static let zero: UInt64 = 0x02
  /// The page's bytes follow.
  public static let page: UInt64 = 0x08
  /// A `u16` length and the page's XBZRLE encoding against the version sent before follow
  /// (only when the hello agreed on XBZRLE).
  public static let xbzrle: UInt64 = 0x40
  /// The bits of the word that carry flags.
  public static let flagMask = UInt64(GuestMemory.pageSize - 1)

  public static let headerBytes = 8
  public static let normalBytes = headerBytes + GuestMemory.pageSize
  /// An XBZRLE record's header and length, before its encoding.
  public static let deltaHeaderBytes = headerBytes + 2
  /// Bytes of a `pages` frame before its first record: length, type, pass, count.
  public static let frameHeaderBytes = 4 + 1 + 4 + 4
}

/// Builds one `pages` frame in place, page by page: no allocation or copy per page beyond
/// the one copy of its bytes into the frame.
public struct PageBatchWriter {
  private var frame: [UInt8]
  private var used = PageRecord.frameHeaderBytes
  public private(set) var count = 0
  public let capacity: Int

  /// A batch of at most `capacity` pages of pass `pass` (0: the final copy).
  public init(pass: Int, capacity: Int) {
    precondition(capacity > 0 && capacity <= ProtocolLimits.maxBatchPages)
    self.capacity = capacity
    let size = PageRecord.frameHeaderBytes + capacity * PageRecord.normalBytes
    // Uninitialised: every byte up to `used` is written before the frame is sent, and the
    // array is cut to `used` then.
    frame = [UInt8](unsafeUninitializedCapacity: size) { _, initialised in initialised = size }
    frame[4] = MessageType.pages.rawValue
    Self.put32(UInt32(pass), into: &frame, at: 5)
  }

  public var isFull: Bool { count == capacity }
  public var isEmpty: Bool { count == 0 }

  /// Appends a zero-page marker.
  public mutating func appendZero(page: Int) {
    putHeader(page: page, flags: PageRecord.zero)
    count += 1
  }

  /// Appends a normal page: its header and a copy of its 8 KiB.
  public mutating func append(page: Int, bytes: UnsafeRawPointer) {
    putHeader(page: page, flags: PageRecord.page)
    let at = used
    frame.withUnsafeMutableBytes { raw in
      _ = memcpy(raw.baseAddress! + at, bytes, GuestMemory.pageSize)
    }
    used += GuestMemory.pageSize
    count += 1
  }

  /// Appends page `page` as its XBZRLE encoding from `old` (what the destination holds) to
  /// `new`, written straight into the frame. Returns false, having appended nothing, when the
  /// encoding would be longer than ``XBZRLE/maximumEncodedBytes``; the encoding's length
  /// otherwise.
  public mutating func appendDelta(page: Int, old: UnsafeRawPointer, new: UnsafeRawPointer)
    -> Int?
  {
    let at = used
    let encoded = frame.withUnsafeMutableBytes { raw in
      XBZRLE.encode(old: old, new: new, into: raw.baseAddress! + at + PageRecord.deltaHeaderBytes)
    }
    guard let encoded else { return nil }
    putHeader(page: page, flags: PageRecord.xbzrle)
    frame.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: UInt16(encoded).bigEndian, toByteOffset: at + 8, as: UInt16.self)
    }
    used += 2 + encoded
    count += 1
    return encoded
  }

  /// The finished frame, its length and count filled in.
  public mutating func finish() -> [UInt8] {
    Self.put32(UInt32(used - 4), into: &frame, at: 0)
    Self.put32(UInt32(count), into: &frame, at: 9)
    frame.removeLast(frame.count - used)
    return frame
  }

  private mutating func putHeader(page: Int, flags: UInt64) {
    let word = UInt64(page) * UInt64(GuestMemory.pageSize) | flags
    let at = used
    frame.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: word.bigEndian, toByteOffset: at, as: UInt64.self)
    }
    used += PageRecord.headerBytes
  }

  private static func put32(_ value: UInt32, into frame: inout [UInt8], at offset: Int) {
    frame.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
  }
}

/// What one page record of a received batch holds.
public enum PageContent {
  /// The page is all zeros.
  case zero
  /// The page's 8 KiB.
  case page(UnsafeRawPointer)
  /// How the page differs from the version the destination holds.
  case delta(XBZRLEDelta)
}

/// A checked XBZRLE encoding, valid while the batch it came in is being read.
public struct XBZRLEDelta {
  let encoded: UnsafeRawBufferPointer

  init(_ encoded: UnsafeRawBufferPointer) { self.encoded = encoded }

  /// Bytes of the encoding.
  public var count: Int { encoded.count }

  /// Changes `page` (the version it was encoded against) into the version sent now.
  public func apply(to page: UnsafeMutableRawPointer) { XBZRLE.apply(encoded, to: page) }
}

/// A received `pages` frame, checked record by record when decoded (flags, alignment,
/// lengths), whose pages are then applied straight from the frame's bytes.
public struct PageBatch: Sendable, Equatable {
  public let pass: Int
  public let count: Int
  /// The highest page index a record names (for the destination's bounds check).
  public let highestPage: Int
  /// Records that are XBZRLE encodings (a destination that did not agree on XBZRLE refuses
  /// a batch that holds any).
  public let deltaCount: Int
  let frame: [UInt8]

  /// Checks the records of a `pages` frame whose header was read up to `reader`'s offset.
  init(frame: [UInt8], body: UnsafeRawBufferPointer, reader: inout WireReader)
    throws(ProtocolError)
  {
    pass = Int(try reader.u32("pages pass"))
    count = try reader.count32("pages count", limit: ProtocolLimits.maxBatchPages)
    var highest = -1
    var deltas = 0
    for index in 0..<count {
      let word = try reader.u64("page record \(index) header")
      let flags = word & PageRecord.flagMask
      let page = Int(word >> 13)
      switch flags {
      case PageRecord.zero:
        break
      case PageRecord.page:
        guard reader.remaining >= GuestMemory.pageSize else {
          throw .truncated("page record \(index) (page \(page))")
        }
        reader.skip(GuestMemory.pageSize)
      case PageRecord.xbzrle:
        let length = Int(try reader.u16("page record \(index) XBZRLE length"))
        guard length <= XBZRLE.maximumEncodedBytes else {
          throw ProtocolError(
            "page record \(index): an XBZRLE encoding of \(length) bytes (at most"
              + " \(XBZRLE.maximumEncodedBytes))")
        }
        guard reader.remaining >= length else {
          throw .truncated("page record \(index) (XBZRLE of page \(page))")
        }
        try XBZRLE.validate(
          UnsafeRawBufferPointer(rebasing: body[reader.offset..<reader.offset + length]),
          page: page)
        reader.skip(length)
        deltas += 1
      default:
        throw ProtocolError(
          "page record \(index): flags 0x\(String(flags, radix: 16)) are neither ZERO (0x2),"
            + " PAGE (0x8) nor XBZRLE (0x40)")
      }
      highest = max(highest, page)
    }
    try reader.expectEnd("pages")
    highestPage = highest
    deltaCount = deltas
    self.frame = frame
  }

  /// Calls `body` for each record: the page index and what the record holds. The records
  /// were checked when the batch was decoded.
  public func forEachRecord(_ body: (Int, PageContent) throws -> Void) rethrows {
    try frame.withUnsafeBytes { raw in
      var offset = PageRecord.frameHeaderBytes
      for _ in 0..<count {
        let word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += PageRecord.headerBytes
        let page = Int(word >> 13)
        switch word & PageRecord.flagMask {
        case PageRecord.page:
          try body(page, .page(raw.baseAddress! + offset))
          offset += GuestMemory.pageSize
        case PageRecord.xbzrle:
          let length = Int(
            UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
          offset += 2
          try body(
            page,
            .delta(XBZRLEDelta(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]))))
          offset += length
        default:
          try body(page, .zero)
        }
      }
    }
  }

  /// The frame as it travels.
  public var bytes: [UInt8] { frame }
}
