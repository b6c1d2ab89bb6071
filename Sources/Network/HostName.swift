/// A host's logical name, as scenarios and `ldm migrate` targets spell it (`sparc-t4-b`).
///
/// It is the DNS subject alternative name of the host's certificate, the name a connecting
/// party expects (daemons connect by address, so the name is given, not looked up), and the stem
/// of the host's file names. So it is a DNS name in lower case: labels of `a-z`, `0-9` and `-`,
/// separated by dots, none starting or ending with `-`.
public struct HostName: Hashable, Sendable, CustomStringConvertible {
  public let value: String

  /// Names that would collide with the files of the CA (`ca.pem`) or of the console
  /// (`console.pem`) in a certificates folder.
  public static let reserved: Set<String> = ["ca", "console"]

  /// - Throws: ``HostNameError`` saying what is wrong with `text`.
  public init(_ text: String) throws {
    if let problem = HostName.problem(with: text) {
      throw HostNameError(name: text, problem: problem)
    }
    value = text
  }

  public var description: String { value }

  private static func problem(with text: String) -> String? {
    if text.isEmpty { return "it is empty" }
    if HostName.reserved.contains(text) {
      return "it is reserved for the files of the \(text == "ca" ? "CA" : "console")"
    }
    if text.utf8.count > 253 { return "it is longer than 253 characters" }
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    for label in labels {
      if label.isEmpty { return "it has an empty label (two dots, or a dot at an end)" }
      if label.utf8.count > 63 { return "a label is longer than 63 characters" }
      for byte in label.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
          UInt8(ascii: "-"):
          continue
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
          return "use lower case"
        default:
          return "only a-z, 0-9, '-' and '.' are allowed"
        }
      }
      if label.hasPrefix("-") || label.hasSuffix("-") {
        return "a label starts or ends with '-'"
      }
    }
    if let last = labels.last, last.allSatisfy(\.isNumber) {
      return "it is an address, not a name (pass the name the certificate is for)"
    }
    return nil
  }
}

/// A string that is not a ``HostName``, and why.
public struct HostNameError: Error, Hashable, CustomStringConvertible, Sendable {
  public let name: String
  public let problem: String

  public init(name: String, problem: String) {
    self.name = name
    self.problem = problem
  }

  public var description: String {
    "bad host name '\(ConnectionFailure.oneLine(name))': \(problem)"
  }
}
