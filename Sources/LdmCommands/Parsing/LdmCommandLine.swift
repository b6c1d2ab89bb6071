/// A command line as typed at a host's shell: one command, optionally piped into `grep`.
public struct LdmCommandLine: Sendable, Equatable {
  public var command: LdmCommand
  /// `| grep [-v] [-i] PATTERN`: keeps the output lines that contain PATTERN.
  public var filter: LineFilter?

  public init(command: LdmCommand, filter: LineFilter? = nil) {
    self.command = command
    self.filter = filter
  }

  /// The programs a line may start with.
  public static let programs: Set<String> = ["ldm", "psrinfo", "prtconf"]

  /// `grep` after a pipe. Patterns are plain text, not regular expressions: enough for
  /// `prtconf -pv | grep stick-frequency` and without surprises.
  public struct LineFilter: Sendable, Equatable {
    public var pattern: String
    /// `-v`: keep the lines that do not match.
    public var invert: Bool
    /// `-i`.
    public var ignoreCase: Bool

    public init(pattern: String, invert: Bool = false, ignoreCase: Bool = false) {
      self.pattern = pattern
      self.invert = invert
      self.ignoreCase = ignoreCase
    }

    public func matches(_ line: String) -> Bool {
      let found =
        ignoreCase
        ? line.lowercased().contains(pattern.lowercased()) : line.contains(pattern)
      return found != invert
    }
  }

  /// Parses a line; every malformed line is one ldm-style error.
  public static func parse(_ line: String) throws(LdmError) -> LdmCommandLine {
    let stages = splitPipeline(line)
    guard stages.count <= 2 else {
      throw LdmError("Only one pipe, into grep, is supported")
    }
    let words: [String]
    do {
      words = try Tokenizer.words(stages[0])
    } catch {
      throw LdmError("Syntax error: \(error.message)")
    }
    let command = try parse(words: words)
    guard stages.count == 2 else { return LdmCommandLine(command: command) }
    if case .migrate(let options) = command, !options.dryRun {
      throw LdmError("A migration cannot be piped; run ldm migrate-domain on its own")
    }
    return LdmCommandLine(command: command, filter: try parseFilter(stages[1]))
  }

  /// Parses the words of one command (no pipe).
  public static func parse(words: [String]) throws(LdmError) -> LdmCommand {
    guard let program = words.first else { throw LdmError("No command given") }
    let arguments = words.dropFirst()
    switch program {
    case "ldm": return try LdmSubcommandParser.parse(arguments)
    case "psrinfo":
      try requireVerbosePhysical(arguments, usage: "Usage: psrinfo -pv")
      return .psrinfo
    case "prtconf":
      try requireVerbosePhysical(arguments, usage: "Usage: prtconf -pv")
      return .prtconf
    default:
      throw LdmError("\(program): command not found (try ldm, psrinfo -pv or prtconf -pv)")
    }
  }

  /// `psrinfo` and `prtconf` are modelled only with `-p` and `-v` together (`-pv`, `-p -v`).
  static func requireVerbosePhysical(_ arguments: ArraySlice<String>, usage: String)
    throws(LdmError)
  {
    let scanned = try OptionScanner(flags: ["p", "v"]).scan(arguments)
    guard scanned.operands.isEmpty, scanned.has("p"), scanned.has("v") else {
      throw LdmError(usage)
    }
  }

  static func parseFilter(_ stage: String) throws(LdmError) -> LineFilter {
    let words: [String]
    do {
      words = try Tokenizer.words(stage)
    } catch {
      throw LdmError("Syntax error: \(error.message)")
    }
    guard let program = words.first else { throw LdmError("Syntax error: nothing after |") }
    guard program == "grep" else {
      throw LdmError("\(program): not available after a pipe (only grep is)")
    }
    let scanned = try OptionScanner(flags: ["v", "i"]).scan(words.dropFirst())
    guard scanned.operands.count == 1 else { throw LdmError("Usage: grep [-v] [-i] pattern") }
    return LineFilter(
      pattern: scanned.operands[0], invert: scanned.has("v"), ignoreCase: scanned.has("i"))
  }

  /// Splits at `|` outside quotes; the tokenizer then handles each stage.
  static func splitPipeline(_ line: String) -> [String] {
    var stages: [String] = []
    var current = ""
    var quote: Character?
    var escaped = false
    for character in line {
      defer { escaped = !escaped && character == "\\" && quote != "'" }
      if !escaped {
        if let open = quote {
          if character == open { quote = nil }
        } else if character == "'" || character == "\"" {
          quote = character
        } else if character == "|" {
          stages.append(current)
          current = ""
          continue
        }
      }
      current.append(character)
    }
    stages.append(current)
    return stages
  }
}
