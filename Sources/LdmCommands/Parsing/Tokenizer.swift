/// Splits a command line into words as a POSIX shell would for simple commands: blanks
/// separate words, single and double quotes group, a backslash escapes the next character.
public enum Tokenizer {
  /// A command line that cannot be split.
  public struct Failure: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
  }

  public static func words(_ line: String) throws(Failure) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in line {
      if escaped {
        current.append(character)
        escaped = false
        continue
      }
      if let open = quote {
        if character == open {
          quote = nil
        } else if character == "\\" && open == "\"" {
          escaped = true
        } else {
          current.append(character)
        }
        continue
      }
      switch character {
      case " ", "\t":
        if inWord {
          words.append(current)
          current = ""
          inWord = false
        }
      case "'", "\"":
        quote = character
        inWord = true
      case "\\":
        escaped = true
        inWord = true
      default:
        current.append(character)
        inWord = true
      }
    }
    if let open = quote { throw Failure(message: "unterminated \(open) quote") }
    if escaped { throw Failure(message: "line ends with a lone backslash") }
    if inWord { words.append(current) }
    return words
  }
}
