import Migration

/// What a command printed and its exit status.
public struct CommandOutput: Sendable, Equatable {
  public var lines: [String]
  public var status: Int32

  public init(lines: [String] = [], status: Int32 = 0) {
    self.lines = lines
    self.status = status
  }

  /// A refused command: its one error line, status 1.
  public static func failure(_ message: String) -> CommandOutput {
    CommandOutput(lines: [message], status: 1)
  }

  public var succeeded: Bool { status == 0 }

  /// The lines as a terminal shows them, each ending in a newline.
  public var text: String { lines.map { $0 + "\n" }.joined() }
}

/// The result of one command line on a host's shell.
public struct ShellResult: Sendable, Equatable {
  /// What the command printed so far (for a started migration, only warnings) and its status.
  public var output: CommandOutput
  /// The migration an `ldm migrate` started. It runs on in the datacenter: the caller waits
  /// for it (ldm blocks until it ends) or leaves it in the background, and gets the rest of
  /// the command's output from ``LdmShell/completion(of:)``.
  public var migration: MigrationID?

  public init(output: CommandOutput, migration: MigrationID? = nil) {
    self.output = output
    self.migration = migration
  }
}
