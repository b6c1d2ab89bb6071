/// Reading a ``Quantity`` from a YAML file: the value is taken as the text it was written as
/// and parsed here, never by Yams' own number decoding, which traps on a sexagesimal integer
/// of a dozen parts (`1:2:3:4:5:6:7:8:9:10:11:12` overflows its base) and reads `010` as 8.
extension KeyedDecodingContainer {
  /// The value at `key`, which must be present; a refusal is `'KEY': expected …, not '…'` at
  /// the value's line.
  public func value<Value>(_ quantity: Quantity<Value>, at key: Key) throws -> Value {
    let text: String
    do {
      text = try decode(String.self, forKey: key)
    } catch DecodingError.typeMismatch {
      let shape = (try? nestedUnkeyedContainer(forKey: key)) != nil ? "a list" : "a mapping"
      throw quantityFailure(key, QuantityError(expected: quantity.expectation, found: shape))
    }
    do {
      return try quantity.value(of: text)
    } catch {
      throw quantityFailure(key, error)
    }
  }

  /// The value at `key`, or nil when the key is absent or its value empty (`~`).
  public func valueIfPresent<Value>(_ quantity: Quantity<Value>, at key: Key) throws -> Value? {
    guard contains(key), try !decodeNil(forKey: key) else { return nil }
    return try value(quantity, at: key)
  }

  private func quantityFailure(_ key: Key, _ error: QuantityError) -> YAMLPathError {
    YAMLPathError(path: codingPath + [key], reason: "'\(key.stringValue)': \(error.reason)")
  }
}

extension UnkeyedDecodingContainer {
  /// The next item of a list of `quantity`s; a refusal names the item: `'KEY' item 2: …`.
  public mutating func value<Value>(_ quantity: Quantity<Value>) throws -> Value {
    let index = currentIndex
    let path = codingPath + [AnyCodingKey(intValue: index)!]
    let list = codingPath.last.map { "'\($0.stringValue)' " } ?? ""
    let text: String
    do {
      text = try decode(String.self)
    } catch DecodingError.typeMismatch {
      throw YAMLPathError(
        path: path,
        reason: "\(list)item \(index + 1): "
          + QuantityError(expected: quantity.expectation, found: "a list or mapping").reason)
    }
    do {
      return try quantity.value(of: text)
    } catch {
      throw YAMLPathError(path: path, reason: "\(list)item \(index + 1): \(error.reason)")
    }
  }
}
