import Engine
import Hypervisor
import Migration

/// `ldm migrate-domain`: the password, the dry run, and starting the migration.
extension LdmShell {
  /// The line ldm prints when it needs a password and cannot prompt for one.
  public static let noTerminalMessage =
    "ldm migrate-domain: a password file (-p) is needed when there is no terminal"
    + " to prompt for the Target Password"

  func migrate(_ options: LdmCommand.MigrateOptions, on host: String, password: String?)
    -> ShellResult
  {
    var warnings: [String] = []
    let secret: String
    if let file = options.passwordFile {
      switch readPassword(file) {
      case .success(let read):
        secret = read.password
        warnings += read.warnings
      case .failure(let error):
        return ShellResult(output: .failure(error.message))
      }
    } else if let password {
      secret = password
    } else {
      return ShellResult(output: .failure(Self.noTerminalMessage))
    }
    let request = MigrationRequest(
      sourceHost: host, domain: options.domain, targetHost: options.targetHost,
      user: options.user, password: secret, targetName: options.targetName,
      dryRun: options.dryRun, force: options.force)
    do {
      let id = try datacenter.startMigration(request)
      return ShellResult(
        output: CommandOutput(lines: warnings),
        pending: options.dryRun ? .dryRun(id) : .migration(id))
    } catch {
      return ShellResult(output: CommandOutput(lines: warnings + [error.message], status: 1))
    }
  }

  /// The first line of the password file; the file is named in every message, the password
  /// in none.
  func readPassword(_ file: String) -> Result<(password: String, warnings: [String]), LdmError> {
    let contents: FileContents
    do {
      contents = try files.read(file, relativeTo: baseDirectory)
    } catch .notFound {
      return .failure(LdmError("Password file \(file) does not exist"))
    } catch {
      return .failure(LdmError("Password file \(file) cannot be read"))
    }
    // A file written on Windows starts with a byte-order mark and ends its line with CRLF;
    // neither is part of the password.
    let firstLine = contents.text.fileLines.first ?? ""
    guard !firstLine.isEmpty else {
      return .failure(LdmError("Password file \(file) is empty"))
    }
    let warnings =
      contents.readableByOthers ? ["Warning: password file \(file) is readable by others"] : []
    return .success((String(firstLine), warnings))
  }
}
