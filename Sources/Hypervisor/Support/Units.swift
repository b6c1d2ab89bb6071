/// Parsing and formatting of the quantities that scenario files, options and the run mode
/// share: durations and bandwidths.
public enum Units {
  /// Parses `300ms`, `3s`, `1.5s`, `2m`, `1h`, `250us`, `0`; nil for anything else.
  public static func parseDuration(_ text: String) -> Double? {
    let lowered = text.trimmingWhitespace().lowercased()
    if lowered == "0" { return 0 }
    let units: [(String, Double)] = [
      ("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("s", 1), ("m", 60), ("h", 3600),
    ]
    for (suffix, scale) in units where lowered.hasSuffix(suffix) {
      let number = lowered.dropLast(suffix.count)
      guard let value = Double(number), value >= 0, value.isFinite,
        number.allSatisfy({ $0.isASCIIDigit || $0 == "." })
      else { return nil }
      return value * scale
    }
    return nil
  }

  /// Parses a bandwidth: `1Gbit/s`, `10Gbit/s`, `100Mbit/s`, `1.5Gbps`, `unlimited`.
  /// The outer optional is nil for bad text; the inner one is nil for `unlimited`.
  public static func parseBandwidth(_ text: String) -> Double?? {
    let lowered = text.trimmingWhitespace().lowercased()
    if lowered == "unlimited" { return .some(nil) }
    let units: [(String, Double)] = [
      ("gbit/s", 1e9), ("gbps", 1e9), ("mbit/s", 1e6), ("mbps", 1e6), ("kbit/s", 1e3),
      ("kbps", 1e3), ("bit/s", 1), ("bps", 1),
    ]
    for (suffix, scale) in units where lowered.hasSuffix(suffix) {
      let number = String(lowered.dropLast(suffix.count)).trimmingWhitespace()
      guard number.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let value = Double(number),
        value > 0, value.isFinite
      else { return nil }
      return .some(value * scale)
    }
    return nil
  }

  /// Formats a bit rate: `10Gbit/s`, `930Mbit/s`, `1.5Gbit/s`.
  public static func formatRate(_ bitsPerSecond: Double) -> String {
    for (unit, scale) in [("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)]
    where bitsPerSecond >= scale {
      let value = bitsPerSecond / scale
      if value >= 100 || value == value.rounded() { return "\(Int(value.rounded()))\(unit)" }
      return "\(ByteSize.oneDecimalString(value))\(unit)"
    }
    return "\(Int(bitsPerSecond))bit/s"
  }

  /// Formats seconds as ldm's UPTIME: `45d 8h 6m`, `2h 7m`, `9m`, `42s`.
  public static func formatUptime(_ seconds: Int) -> String {
    let days = seconds / 86_400
    let hours = seconds % 86_400 / 3_600
    let minutes = seconds % 3_600 / 60
    if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
    if hours > 0 { return "\(hours)h \(minutes)m" }
    if minutes > 0 { return "\(minutes)m" }
    return "\(seconds)s"
  }

  /// Parses an uptime written as ldm prints it (`45d 8h 6m`, `2h 7m`, `42s`) or in seconds.
  public static func parseUptime(_ text: String) -> Int? {
    let trimmed = text.trimmingWhitespace()
    if let seconds = Int(trimmed), seconds >= 0 { return seconds }
    var total = 0
    var sawPart = false
    for part in trimmed.split(separator: " ") {
      guard let unit = part.last, let value = Int(part.dropLast()), value >= 0 else { return nil }
      let scale: Int
      switch unit {
      case "d": scale = 86_400
      case "h": scale = 3_600
      case "m": scale = 60
      case "s": scale = 1
      default: return nil
      }
      // `99999999999999d` is text, not a reason to trap.
      let (seconds, overflow) = value.multipliedReportingOverflow(by: scale)
      let (sum, sumOverflow) = total.addingReportingOverflow(seconds)
      guard !overflow, !sumOverflow else { return nil }
      total = sum
      sawPart = true
    }
    return sawPart ? total : nil
  }

  /// Formats a duration for people: `41 ms`, `7.4 s`, `2m 5s`.
  public static func formatDuration(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    if seconds < 60 { return "\(ByteSize.oneDecimalString(seconds)) s" }
    let whole = Int(seconds.rounded())
    if whole < 3600 { return "\(whole / 60)m \(whole % 60)s" }
    return "\(whole / 3600)h \(whole % 3600 / 60)m"
  }
}
