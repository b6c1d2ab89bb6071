/// Appends the protocol's primitive values to a byte array: big-endian integers, IEEE-754
/// doubles by their bits, strings and lists with a 16-bit count (docs/protocol.md, "Encoding").
public struct WireWriter {
  public var bytes: [UInt8]

  public init(capacity: Int = 64) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  public mutating func u8(_ value: UInt8) { bytes.append(value) }

  public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

  public mutating func u16(_ value: UInt16) {
    bytes.append(UInt8(value >> 8))
    bytes.append(UInt8(value & 0xFF))
  }

  public mutating func u32(_ value: UInt32) {
    for shift in stride(from: 24, through: 0, by: -8) {
      bytes.append(UInt8((value >> shift) & 0xFF))
    }
  }

  public mutating func u64(_ value: UInt64) {
    for shift in stride(from: 56, through: 0, by: -8) {
      bytes.append(UInt8((value >> shift) & 0xFF))
    }
  }

  public mutating func f64(_ value: Double) { u64(value.bitPattern) }

  /// A count or small number that the protocol carries in 16 bits; callers keep within it.
  public mutating func count(_ value: Int) {
    precondition(value >= 0 && value <= Int(UInt16.max), "count \(value) does not fit 16 bits")
    u16(UInt16(value))
  }

  public mutating func string(_ value: String) {
    let utf8 = Array(value.utf8)
    count(utf8.count)
    bytes.append(contentsOf: utf8)
  }

  public mutating func optionalString(_ value: String?) {
    bool(value != nil)
    if let value { string(value) }
  }

  public mutating func strings(_ values: [String]) {
    count(values.count)
    for value in values { string(value) }
  }

  /// A length-prefixed (32-bit) run of bytes.
  public mutating func blob(_ value: [UInt8]) {
    u32(UInt32(value.count))
    bytes.append(contentsOf: value)
  }

  public mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
}
