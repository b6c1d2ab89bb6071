/// A number that a scenario key, an option of `ldm-console run` or a script line sets: how it
/// is written and the range it must lie in. Every reader of that number goes through the same
/// quantity (``Quantities``), so a scenario and the options accept and refuse the same values
/// in the same words, and no value reaches arithmetic unbounded: a byte count near 2^64 that a
/// sum overflows, an uptime no `Int` holds once it is a `Double`, a write rate whose page count
/// traps when converted.
public struct Quantity<Value: Sendable>: Sendable {
  /// What an acceptable value is, for messages: `a whole number from 1 to 1000`.
  public let expectation: String
  private let read: @Sendable (String) -> Value?

  /// A quantity that `read` parses and bounds, returning nil for any text it refuses.
  public init(expectation: String, read: @escaping @Sendable (String) -> Value?) {
    self.expectation = expectation
    self.read = read
  }

  /// The value `text` stands for, or the refusal: `expected …, not 'TEXT'`, which the caller
  /// prefixes with where the text was written.
  public func value(of text: String) throws(QuantityError) -> Value {
    guard let value = read(text) else {
      throw QuantityError(expected: expectation, found: "'\(text)'")
    }
    return value
  }
}

/// A refused value, said in one reason without a location: the scenario prefixes it with
/// `FILE:LINE: 'KEY': `, the options of `run` with `ldm-console run: --OPTION: `.
public struct QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `expected a whole number from 1 to 1000, not '0'`.
  public var reason: String

  /// `found` is the refused text, quoted, or what stood there instead (`a list`).
  public init(expected: String, found: String) {
    reason = "expected \(expected), not \(found)"
  }

  public var description: String { reason }
}

extension Quantity where Value == Int {
  /// A whole number in `range`, written in decimal (`_` may group digits).
  public static func wholeNumber(_ range: ClosedRange<Int>, _ what: String = "a whole number")
    -> Self
  {
    Self(expectation: "\(what) from \(range.lowerBound) to \(range.upperBound)") { text in
      guard let digits = Quantities.digits(text), let value = Int(digits), range.contains(value)
      else { return nil }
      return value
    }
  }
}

extension Quantity where Value == UInt64 {
  /// A byte count in `range` and a multiple of `multiple`, written as ldm writes sizes (`1G`,
  /// `512M`) or in bytes.
  public static func size(
    _ range: ClosedRange<UInt64>, multipleOf multiple: UInt64 = 1, example: String
  ) -> Self {
    let kind = multiple > 1 ? "a multiple of \(ByteSize.format(multiple))" : "a size"
    // A one-byte minimum reads as what it is: anything but nothing.
    let low =
      range.lowerBound == 1
      ? "above 0 and at most" : "from \(ByteSize.format(range.lowerBound)) to"
    let expectation = "\(kind) \(low) \(ByteSize.format(range.upperBound)) (e.g. \(example))"
    return Self(expectation: expectation) { text in
      guard let bytes = ByteSize.parse(text), range.contains(bytes), bytes % multiple == 0 else {
        return nil
      }
      return bytes
    }
  }

  /// A whole number in `range`, in decimal or as `0x…` hex, for addresses and registers.
  public static func hexOrDecimal(_ range: ClosedRange<UInt64>, _ what: String) -> Self {
    let high = "0x" + String(range.upperBound, radix: 16)
    return Self(expectation: "\(what) from \(range.lowerBound) to \(high) (decimal or 0x hex)") {
      text in
      let trimmed = text.trimmingWhitespace().lowercased()
      let value: UInt64?
      if trimmed.hasPrefix("0x") {
        let hex = trimmed.dropFirst(2).filter { $0 != "_" }
        value = hex.isEmpty || !hex.allSatisfy(\.isHexDigit) ? nil : UInt64(hex, radix: 16)
      } else {
        value = Quantities.digits(trimmed).flatMap { UInt64($0) }
      }
      guard let value, range.contains(value) else { return nil }
      return value
    }
  }
}

extension Quantity where Value == Double {
  /// A finite decimal number for which `accepts` holds.
  public static func decimal(_ expectation: String, _ accepts: @escaping @Sendable (Double) -> Bool)
    -> Self
  {
    Self(expectation: expectation) { text in
      let trimmed = text.trimmingWhitespace().filter { $0 != "_" }
      guard trimmed.allSatisfy({ $0.isASCIIDigit || ".+-eE".contains($0) }),
        let value = Double(trimmed), value.isFinite, accepts(value)
      else { return nil }
      return value
    }
  }

  /// A duration (`300ms`, `2s`, `1.5m`) in seconds for which `accepts` holds.
  public static func duration(
    _ expectation: String, _ accepts: @escaping @Sendable (Double) -> Bool
  )
    -> Self
  {
    Self(expectation: expectation) { text in
      guard let seconds = Units.parseDuration(text), accepts(seconds) else { return nil }
      return seconds
    }
  }

  /// A bandwidth in bits per second within `range`; `unlimited` is not one.
  public static func bandwidth(_ range: ClosedRange<Double>, _ expectation: String) -> Self {
    Self(expectation: expectation) { text in
      guard case .some(.some(let bits)) = Units.parseBandwidth(text), range.contains(bits) else {
        return nil
      }
      return bits
    }
  }
}

/// Every number a scenario, the options of `run` and a run script set, as a named
/// ``Quantity`` (in `Quantities.swift`, each with why its limits lie where they do).
public enum Quantities {
  /// `text` without blanks and digit-grouping `_`, if what is left is decimal digits.
  static func digits(_ text: String) -> String? {
    var trimmed = text.trimmingWhitespace()
    if trimmed.hasPrefix("+") { trimmed.removeFirst() }
    let digits = trimmed.filter { $0 != "_" }
    guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
    return digits
  }
}
