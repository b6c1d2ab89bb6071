import Hypervisor

/// The numbers of the screen as people read them: `930 Mbit/s`, `812 MiB`, `0.19`, `45G`.
enum Figures {
  /// A byte rate as a bit rate: `930 Mbit/s`.
  static func bitRate(bytesPerSecond: Double) -> String {
    let bits = bytesPerSecond * 8
    // 999.7 Mbit/s reads as 1.0 Gbit/s, not 1000 Mbit/s.
    for (unit, scale) in [("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)]
    where bits >= scale * 0.9995 {
      let value = bits / scale
      if value >= 100 { return "\(Int(value.rounded())) \(unit)" }
      return "\(ByteSize.oneDecimalString(value)) \(unit)"
    }
    return "\(Int(bits.rounded())) bit/s"
  }

  /// A byte rate: `22 MiB/s`.
  static func byteRate(_ bytesPerSecond: Double) -> String {
    ByteSize.human(max(0, bytesPerSecond)) + "/s"
  }

  static func bytes(_ count: UInt64) -> String { ByteSize.human(Double(count)) }

  /// Two decimals, for λ.
  static func twoDecimals(_ value: Double) -> String {
    guard value.isFinite else { return "∞" }
    let hundredths = Int((min(value, 1e6) * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// A memory size for a box title: `64G`, `45.5G`, `512M`.
  static func memory(_ bytes: UInt64) -> String {
    let gib = ByteSize.gibibyte
    if bytes >= gib {
      if bytes % gib == 0 { return "\(bytes / gib)G" }
      return ByteSize.oneDecimalString(Double(bytes) / Double(gib)) + "G"
    }
    return "\(bytes / ByteSize.mebibyte)M"
  }

  /// A count with thousands separators: `131 072`.
  static func count(_ value: UInt64) -> String {
    let digits = String(value)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return result
  }
}
