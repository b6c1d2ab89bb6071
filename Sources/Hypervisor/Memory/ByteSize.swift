/// Sizes as ldm writes them: `512M`, `1G`, `32544M`, always in the largest exact unit.
public enum ByteSize {
  public static let kibibyte: UInt64 = 1024
  public static let mebibyte: UInt64 = 1024 * 1024
  public static let gibibyte: UInt64 = 1024 * 1024 * 1024
  public static let tebibyte: UInt64 = 1024 * 1024 * 1024 * 1024

  private static let units: [(suffix: Character, bytes: UInt64)] = [
    ("T", tebibyte), ("G", gibibyte), ("M", mebibyte), ("K", kibibyte),
  ]

  /// Formats `bytes` in the largest unit that divides it exactly, as `ldm list` does.
  public static func format(_ bytes: UInt64) -> String {
    for unit in units where bytes >= unit.bytes && bytes % unit.bytes == 0 {
      return "\(bytes / unit.bytes)\(unit.suffix)"
    }
    return "\(bytes)"
  }

  /// Formats a byte count for people, with one decimal where it helps (`812 MiB`, `1.4 GiB`).
  public static func human(_ bytes: Double) -> String {
    let scaled: [(String, Double)] = [
      ("GiB", Double(gibibyte)), ("MiB", Double(mebibyte)), ("KiB", Double(kibibyte)),
    ]
    for (unit, size) in scaled where bytes >= size {
      let value = bytes / size
      return value >= 100 ? "\(Int(value.rounded())) \(unit)" : "\(oneDecimalString(value)) \(unit)"
    }
    return "\(Int(bytes)) B"
  }

  /// Parses `1G`, `512M`, `2048K`, `1073741824`, with an optional `B`/`iB` tail
  /// (`1GB`, `1GiB`), case-insensitive. Returns nil for anything else.
  public static func parse(_ text: String) -> UInt64? {
    var body = Substring(text.trimmingWhitespace().uppercased())
    if body.hasSuffix("IB") {
      body = body.dropLast(2)
    } else if body.hasSuffix("B"), body.count > 1, body.dropLast().last?.isLetter == true {
      body = body.dropLast()
    }
    guard let last = body.last else { return nil }
    var multiplier: UInt64 = 1
    if let unit = units.first(where: { $0.suffix == last }) {
      multiplier = unit.bytes
      body = body.dropLast()
    }
    guard !body.isEmpty, body.allSatisfy(\.isASCIIDigit), let value = UInt64(body) else {
      return nil
    }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : product
  }

  public static func oneDecimalString(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
  /// Trims spaces and tabs at both ends (Foundation-free, for hot and simple paths).
  public func trimmingWhitespace() -> String {
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
    while let last = view.last, last == " " || last == "\t" || last == "\r" {
      view = view.dropLast()
    }
    return String(view)
  }
}
