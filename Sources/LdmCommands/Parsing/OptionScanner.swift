/// Splits a subcommand's words into options and operands the way getopt(3) does for ldm:
/// options first, clustered (`-fn`), an option's argument attached or in the next word
/// (`-pFILE`, `-p FILE`), `--` ending the options.
struct OptionScanner {
  /// Options that take no argument.
  var flags: Set<Character>
  /// Options that take an argument.
  var valued: Set<Character> = []

  struct Scanned: Equatable {
    var options: [(letter: Character, value: String?)]
    var operands: [String]

    static func == (lhs: Scanned, rhs: Scanned) -> Bool {
      lhs.operands == rhs.operands && lhs.options.map(\.letter) == rhs.options.map(\.letter)
        && lhs.options.map(\.value) == rhs.options.map(\.value)
    }

    func has(_ letter: Character) -> Bool { options.contains { $0.letter == letter } }

    /// The last value given for `letter` (getopt lets a later one win).
    func value(_ letter: Character) -> String? {
      options.last { $0.letter == letter }?.value
    }
  }

  func scan(_ words: ArraySlice<String>) throws(LdmError) -> Scanned {
    var result = Scanned(options: [], operands: [])
    var index = words.startIndex
    var optionsEnded = false
    while index < words.endIndex {
      let word = words[index]
      index += 1
      if optionsEnded || word == "-" || !word.hasPrefix("-") {
        result.operands.append(word)
        continue
      }
      if word == "--" {
        optionsEnded = true
        continue
      }
      // Options after an operand would be taken for names by ldm; say so instead.
      guard result.operands.isEmpty else {
        throw LdmError("Option \(word) must come before the operands")
      }
      if word.hasPrefix("--") { throw LdmError("Invalid option: \(word)") }
      var letters = Substring(word.dropFirst())
      while let letter = letters.first {
        letters = letters.dropFirst()
        if flags.contains(letter) {
          result.options.append((letter, nil))
        } else if valued.contains(letter) {
          if !letters.isEmpty {
            result.options.append((letter, String(letters)))
          } else if index < words.endIndex {
            result.options.append((letter, words[index]))
            index += 1
          } else {
            throw LdmError("Option -\(letter) requires an argument")
          }
          break
        } else {
          throw LdmError("Invalid option: -\(letter)")
        }
      }
    }
    return result
  }
}
