import Hypervisor

/// Delta encoding of a page sent again, against the version the destination already holds, as
/// QEMU's XBZRLE (`migration/xbzrle.c`): a guest that stores a few cache lines into a page
/// dirties the whole page, but only those lines need to travel.
///
/// The encoding compares the two versions a 64-bit word at a time (guests store words) and is a
/// sequence of runs, each:
///
/// ```
/// uleb128 unchanged bytes (0 ... 8192)   uleb128 changed bytes (8 ... 8192)   the changed bytes
/// ```
///
/// Both counts are multiples of 8, a count takes at most two bytes and is written in the fewest
/// bytes, the runs stay within the page, and the page after the last run is unchanged. An empty
/// encoding says that nothing changed.
public enum XBZRLE {
  /// The longest encoding sent: a record of it is never longer than the page's own record
  /// (8-byte header, 2-byte length, the encoding), so a batch's bounds hold whatever it holds.
  public static let maximumEncodedBytes = GuestMemory.pageSize - 2

  static let wordsPerPage = GuestMemory.pageSize / 8

  /// Encodes how `new` differs from `old` (each one page) into `output`, which has room for
  /// ``maximumEncodedBytes``. Returns the encoding's length, or nil when it would be longer
  /// than that: the page then goes whole.
  public static func encode(
    old: UnsafeRawPointer, new: UnsafeRawPointer, into output: UnsafeMutableRawPointer
  ) -> Int? {
    let before = old.assumingMemoryBound(to: UInt64.self)
    let after = new.assumingMemoryBound(to: UInt64.self)
    var word = 0
    var length = 0
    while word < wordsPerPage {
      let unchangedStart = word
      while word < wordsPerPage, before[word] == after[word] { word += 1 }
      guard word < wordsPerPage else { break }
      let changedStart = word
      while word < wordsPerPage, before[word] != after[word] { word += 1 }
      let unchanged = (changedStart - unchangedStart) * 8
      let changed = (word - changedStart) * 8
      guard length + uleb128Size(unchanged) + uleb128Size(changed) + changed <= maximumEncodedBytes
      else { return nil }
      length += writeULEB128(unchanged, to: output + length)
      length += writeULEB128(changed, to: output + length)
      (output + length).copyMemory(from: new + changedStart * 8, byteCount: changed)
      length += changed
    }
    return length
  }

  /// Checks an encoding received for page `page`; every run it holds is then safe to apply.
  static func validate(_ encoded: UnsafeRawBufferPointer, page: Int) throws(ProtocolError) {
    var position = 0
    var covered = 0
    while position < encoded.count {
      let unchanged = try readCount(encoded, at: &position, page: page, what: "unchanged")
      let changed = try readCount(encoded, at: &position, page: page, what: "changed")
      guard changed > 0 else {
        throw ProtocolError("XBZRLE of page \(page): a run of 0 changed bytes")
      }
      covered += unchanged + changed
      guard covered <= GuestMemory.pageSize else {
        throw ProtocolError(
          "XBZRLE of page \(page): runs reach byte \(covered) of an 8192-byte page")
      }
      guard encoded.count - position >= changed else {
        throw ProtocolError(
          "XBZRLE of page \(page): a run of \(changed) changed bytes, \(encoded.count - position)"
            + " left")
      }
      position += changed
    }
  }

  /// Applies a checked encoding (``validate(_:page:)``) to the page's current bytes.
  static func apply(_ encoded: UnsafeRawBufferPointer, to page: UnsafeMutableRawPointer) {
    var position = 0
    var offset = 0
    while position < encoded.count {
      offset += readULEB128(encoded, at: &position)
      let changed = readULEB128(encoded, at: &position)
      (page + offset).copyMemory(from: encoded.baseAddress! + position, byteCount: changed)
      position += changed
      offset += changed
    }
  }

  // MARK: Counts

  @inline(__always)
  static func uleb128Size(_ value: Int) -> Int { value < 0x80 ? 1 : 2 }

  /// Writes a count of at most 8192 in one or two bytes; returns how many.
  @inline(__always)
  static func writeULEB128(_ value: Int, to output: UnsafeMutableRawPointer) -> Int {
    if value < 0x80 {
      output.storeBytes(of: UInt8(value), as: UInt8.self)
      return 1
    }
    output.storeBytes(of: UInt8(value & 0x7F | 0x80), as: UInt8.self)
    (output + 1).storeBytes(of: UInt8(value >> 7), as: UInt8.self)
    return 2
  }

  /// Reads a count known to be well formed.
  @inline(__always)
  static func readULEB128(_ bytes: UnsafeRawBufferPointer, at position: inout Int) -> Int {
    let first = Int(bytes[position])
    position += 1
    guard first & 0x80 != 0 else { return first }
    let second = Int(bytes[position])
    position += 1
    return first & 0x7F | second << 7
  }

  /// Reads and checks a count: at most two bytes, in the fewest, a multiple of 8 up to 8192.
  private static func readCount(
    _ bytes: UnsafeRawBufferPointer, at position: inout Int, page: Int, what: String
  ) throws(ProtocolError) -> Int {
    guard position < bytes.count else {
      throw ProtocolError("XBZRLE of page \(page): the encoding ends inside a run")
    }
    let first = Int(bytes[position])
    guard first & 0x80 != 0 else {
      position += 1
      return try checked(first, page: page, what: what)
    }
    guard position + 1 < bytes.count else {
      throw ProtocolError("XBZRLE of page \(page): the encoding ends inside a count")
    }
    let second = Int(bytes[position + 1])
    guard second != 0, second & 0x80 == 0 else {
      throw ProtocolError(
        "XBZRLE of page \(page): a count is not in the fewest bytes (at most two)")
    }
    position += 2
    return try checked(first & 0x7F | second << 7, page: page, what: what)
  }

  private static func checked(_ count: Int, page: Int, what: String) throws(ProtocolError) -> Int {
    guard count <= GuestMemory.pageSize, count % 8 == 0 else {
      throw ProtocolError(
        "XBZRLE of page \(page): \(count) \(what) bytes (a multiple of 8 up to 8192)")
    }
    return count
  }
}
