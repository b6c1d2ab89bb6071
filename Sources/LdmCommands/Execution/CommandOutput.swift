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

/// Something a command started that ends later, on the engine's clock: the caller waits for
/// it (ldm blocks until it ends) or leaves it in the background, and gets the rest of the
/// command's output from ``LdmShell/completion(of:)``.
public enum PendingOperation: Sendable, Hashable {
  /// `ldm migrate`: the migration runs on in the managers.
  case migration(MigrationID)
  /// `ldm migrate -n`: the pre-checks, answered over the link.
  case dryRun(MigrationID)
  /// `ldm cancel-operation migration`: done once the target confirms its half is gone.
  case cancellation(MigrationID)
  /// `ldm cancel-operation migration` of a domain with the error flag: the target is asked
  /// whether the domain resumed there.
  case recovery(domain: String, host: String)

  public var isDryRun: Bool {
    if case .dryRun = self { return true }
    return false
  }

  /// The migration it started, for a real `ldm migrate`.
  public var migration: MigrationID? {
    if case .migration(let id) = self { return id }
    return nil
  }
}

/// The result of one command line on a host's shell.
public struct ShellResult: Sendable, Equatable {
  /// What the command printed so far (for a started migration, only warnings) and its status.
  public var output: CommandOutput
  /// What it started that has not ended yet.
  public var pending: PendingOperation?

  public init(output: CommandOutput, pending: PendingOperation? = nil) {
    self.output = output
    self.pending = pending
  }

  /// The migration an `ldm migrate` started.
  public var migration: MigrationID? { pending?.migration }
}
