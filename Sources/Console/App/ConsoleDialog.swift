import LdmCommands

/// The dialog on top of the screen; while one is open it receives every key.
public enum ConsoleDialog: Sendable, Equatable {
  case migrate(MigrateForm)
  /// `c` on a migrating source: `Cancel migration of ldom01? (y/n)`.
  case cancelConfirm(domain: String, host: String)
  case faultMenu(FaultMenu)
  /// The key list; the value is how far it is scrolled.
  case help(offset: Int)
  /// The `:` prompt on a host.
  case commandLine(CommandPrompt)
  /// `Target Password:` for an `ldm migrate` typed at `:` without `-p`, as ldm asks at a
  /// terminal.
  case password(PasswordPrompt)
  /// The output of an ldm command line, scrollable both ways, in the log's place.
  case commandOutput(CommandRun)
  /// `q` while a migration runs.
  case quitConfirm
  /// A refusal or notice, closed by any key.
  case message(title: String, lines: [String])
}

/// The `:` prompt: an ldm command line typed on one host, with history.
public struct CommandPrompt: Sendable, Equatable {
  public var host: String
  public var input: TextInput
  /// Position in the history while browsing it with Up/Down; nil while editing a new line.
  public var historyIndex: Int?
  /// What was typed before browsing the history, given back by Down past the newest entry.
  public var draft: String

  public init(host: String, input: TextInput = TextInput("ldm ")) {
    self.host = host
    self.input = input
    historyIndex = nil
    draft = input.value
  }

  /// `sparc-t4-a# `.
  public var prompt: String { "\(host)# " }

  /// The line to run. The prompt starts with `ldm ` typed for the operator; one who types a
  /// whole command after it (`ldm ldm list`, `ldm psrinfo -pv`) means that command.
  public var commandLine: String {
    let line = input.value.trimmingSpaces()
    let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard words.count >= 2, words[0] == "ldm", LdmCommandLine.programs.contains(String(words[1]))
    else { return line }
    return String(line.drop { $0 != " " }).trimmingSpaces()
  }
}

/// `Target Password:` under the `ldm migrate` line it answers.
///
/// The password lives only here until Enter sends it with the line to the engine: it is drawn
/// masked and never joins the history, the log or a message.
public struct PasswordPrompt: Sendable, Equatable {
  public var host: String
  /// The command line as typed, which holds no password.
  public var line: String
  public var input: TextInput

  public init(host: String, line: String, input: TextInput = TextInput()) {
    self.host = host
    self.line = line
    self.input = input
  }

  /// Oracle's wording.
  public static let prompt = "Target Password: "

  /// Whether ldm would ask for a password before running `line`: an `ldm migrate-domain`
  /// without `-p FILE`, a dry run too. A line that does not parse is run as it is, for its
  /// error.
  public static func isNeeded(for line: String) -> Bool {
    guard case .migrate(let options)? = try? LdmCommandLine.parse(line).command else {
      return false
    }
    return options.passwordFile == nil
  }
}

/// The output pane of an ldm command line.
public struct CommandRun: Sendable, Equatable {
  public var host: String
  public var line: String
  public var lines: [String]
  public var status: Int32
  /// The ticket the output answers.
  public var ticket: Int
  /// First line shown.
  public var offset: Int = 0
  /// First column shown, for lines wider than the pane.
  public var column: Int = 0

  public init(host: String, line: String, ticket: Int, lines: [String], status: Int32) {
    self.host = host
    self.line = line
    self.ticket = ticket
    self.lines = lines
    self.status = status
  }

  /// The pane's title: the line as typed after its prompt.
  public var title: String { "\(host)# \(line)" }

  /// Columns of the widest line.
  public var widest: Int { lines.reduce(0) { max($0, DisplayWidth.of($1)) } }
}
