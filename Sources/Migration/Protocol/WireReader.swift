/// Reads the protocol's primitive values from the bytes of one frame, refusing anything that
/// runs past the end or breaks a limit: it never traps on bad input.
public struct WireReader {
  let bytes: UnsafeRawBufferPointer
  public private(set) var offset: Int

  public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  public var remaining: Int { bytes.count - offset }
  public var isAtEnd: Bool { offset == bytes.count }

  mutating func take(_ count: Int, _ what: String) throws(ProtocolError) -> Int {
    guard count >= 0, count <= remaining else { throw .truncated(what) }
    let start = offset
    offset += count
    return start
  }

  public mutating func u8(_ what: String) throws(ProtocolError) -> UInt8 {
    bytes[try take(1, what)]
  }

  public mutating func bool(_ what: String) throws(ProtocolError) -> Bool {
    switch try u8(what) {
    case 0: return false
    case 1: return true
    case let other: throw ProtocolError("\(what): \(other) is not a boolean (0 or 1)")
    }
  }

  public mutating func u16(_ what: String) throws(ProtocolError) -> UInt16 {
    let start = try take(2, what)
    return UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
  }

  public mutating func u32(_ what: String) throws(ProtocolError) -> UInt32 {
    let start = try take(4, what)
    var value: UInt32 = 0
    for index in start..<(start + 4) { value = value << 8 | UInt32(bytes[index]) }
    return value
  }

  public mutating func u64(_ what: String) throws(ProtocolError) -> UInt64 {
    let start = try take(8, what)
    var value: UInt64 = 0
    for index in start..<(start + 8) { value = value << 8 | UInt64(bytes[index]) }
    return value
  }

  /// A finite double within `range`.
  public mutating func f64(_ what: String, in range: ClosedRange<Double>) throws(ProtocolError)
    -> Double
  {
    let value = Double(bitPattern: try u64(what))
    guard value.isFinite, range.contains(value) else {
      throw ProtocolError("\(what): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
    }
    return value
  }

  /// A 16-bit count, at most `limit`.
  public mutating func count(_ what: String, limit: Int) throws(ProtocolError) -> Int {
    let value = Int(try u16(what))
    guard value <= limit else { throw ProtocolError("\(what): \(value) is more than \(limit)") }
    return value
  }

  /// A 16-bit integer within `range`.
  public mutating func int16(_ what: String, in range: ClosedRange<Int>) throws(ProtocolError)
    -> Int
  {
    let value = Int(try u16(what))
    guard range.contains(value) else {
      throw ProtocolError("\(what): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
    }
    return value
  }

  /// A 64-bit unsigned integer at most `limit`.
  public mutating func u64(_ what: String, limit: UInt64) throws(ProtocolError) -> UInt64 {
    let value = try u64(what)
    guard value <= limit else { throw ProtocolError("\(what): \(value) is more than \(limit)") }
    return value
  }

  /// UTF-8 text of at most ``ProtocolLimits/maxString`` bytes.
  public mutating func string(_ what: String) throws(ProtocolError) -> String {
    let length = try count("\(what) length", limit: ProtocolLimits.maxString)
    let start = try take(length, what)
    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
    guard let text = String(validating: slice, as: UTF8.self) else {
      throw ProtocolError("\(what) is not valid UTF-8")
    }
    return text
  }

  public mutating func optionalString(_ what: String) throws(ProtocolError) -> String? {
    try bool("\(what) present") ? try string(what) : nil
  }

  public mutating func strings(_ what: String, limit: Int) throws(ProtocolError) -> [String] {
    let count = try count("\(what) count", limit: limit)
    var values: [String] = []
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(try string(what)) }
    return values
  }

  /// A 32-bit length-prefixed run of bytes, at most `limit` long.
  public mutating func blob(_ what: String, limit: Int) throws(ProtocolError) -> [UInt8] {
    let length = Int(try u32("\(what) length"))
    guard length <= limit else {
      throw ProtocolError("\(what): \(length) bytes is more than \(limit)")
    }
    let start = try take(length, what)
    return Array(bytes[start..<(start + length)])
  }

  /// Exactly `count` raw bytes.
  public mutating func raw(_ what: String, count: Int) throws(ProtocolError) -> [UInt8] {
    let start = try take(count, what)
    return Array(bytes[start..<(start + count)])
  }

  /// A 32-bit count, at most `limit`.
  public mutating func count32(_ what: String, limit: Int) throws(ProtocolError) -> Int {
    let value = Int(try u32(what))
    guard value <= limit else { throw ProtocolError("\(what): \(value) is more than \(limit)") }
    return value
  }

  /// Passes over `count` bytes the caller has checked are there.
  mutating func skip(_ count: Int) { offset += count }

  /// Refuses bytes left over after the last field.
  public func expectEnd(_ what: String) throws(ProtocolError) {
    guard isAtEnd else { throw ProtocolError("\(what): \(remaining) unexpected bytes at the end") }
  }
}
