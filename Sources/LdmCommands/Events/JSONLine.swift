/// A JSON object written field by field, in order, on one line: numbers with a fixed
/// precision, strings escaped as RFC 8259 asks, nothing else (docs/events.md).
public struct JSONLine {
  private var text = "{"
  private var empty = true

  public init() {}

  private mutating func key(_ name: String) {
    if !empty { text += "," }
    empty = false
    text += Self.quoted(name) + ":"
  }

  public mutating func string(_ name: String, _ value: String) {
    key(name)
    text += Self.quoted(value)
  }

  public mutating func string(_ name: String, _ value: String?) {
    if let value { string(name, value) }
  }

  public mutating func int(_ name: String, _ value: Int) {
    key(name)
    text += String(value)
  }

  public mutating func int(_ name: String, _ value: Int?) {
    if let value { int(name, value) }
  }

  public mutating func uint(_ name: String, _ value: UInt64) {
    key(name)
    text += String(value)
  }

  public mutating func bool(_ name: String, _ value: Bool) {
    key(name)
    text += value ? "true" : "false"
  }

  /// A number with exactly `decimals` digits after the point (finite values only; others are
  /// written as 0 so that the line stays valid JSON).
  public mutating func number(_ name: String, _ value: Double, decimals: Int) {
    key(name)
    text += Self.fixed(value.isFinite ? value : 0, decimals: decimals)
  }

  public mutating func number(_ name: String, _ value: Double?, decimals: Int) {
    if let value { number(name, value, decimals: decimals) }
  }

  public mutating func strings(_ name: String, _ values: [String]) {
    key(name)
    text += "[" + values.map(Self.quoted).joined(separator: ",") + "]"
  }

  /// An object, written as its own line is.
  public mutating func object(_ name: String, _ value: JSONLine) {
    key(name)
    text += value.line
  }

  /// An array of objects, each written as its own line is.
  public mutating func objects(_ name: String, _ values: [JSONLine]) {
    key(name)
    text += "[" + values.map(\.line).joined(separator: ",") + "]"
  }

  public var line: String { text + "}" }

  static func fixed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return String(Int(value)) }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    var fraction = String(units % UInt64(scale))
    while fraction.count < decimals { fraction = "0" + fraction }
    let sign = value < 0 && units != 0 ? "-" : ""
    return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
  }

  static func quoted(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
