/// Why the terminal could not be opened, as a one-line message for the user.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `TERM` is missing or empty.
  case termNotSet
  /// terminfo has no entry for `TERM`.
  case unknownTerminal(String)
  /// Standard input or output is not a terminal (redirected, piped, or run from a script).
  case notATerminal
  /// ncurses refused to start for another reason.
  case cannotStart(String)

  public var description: String {
    switch self {
    case .termNotSet: "TERM is not set"
    case .unknownTerminal(let name): "unknown terminal type '\(name)' (TERM)"
    case .notATerminal: "standard input and output must be a terminal"
    case .cannotStart(let reason): "cannot start the terminal: \(reason)"
    }
  }
}
