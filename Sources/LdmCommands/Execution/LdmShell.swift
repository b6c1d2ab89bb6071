import Engine
import Hypervisor
import Migration

/// Runs command lines on a host, as a shell on that host's control domain would: output lines
/// and an exit status; nothing changes when a command fails.
///
/// Used by the run mode, the console's `:` prompt, `ldmd` and tests; it runs on the thread
/// that owns the managers.
public struct LdmShell {
  /// The managers the commands act on.
  public let datacenter: any ManagerDirectory
  /// Where `-p FILE` is read from.
  public var files: any FileReading
  /// Relative password file paths are taken relative to this directory (the run mode: the
  /// script's directory).
  public var baseDirectory: String

  public init(
    datacenter: any ManagerDirectory, files: any FileReading = LocalFiles(),
    baseDirectory: String = ""
  ) {
    self.datacenter = datacenter
    self.files = files
    self.baseDirectory = baseDirectory
  }

  /// Parses and runs `line` on `host`. `password` answers the `Target Password:` prompt of
  /// an `ldm migrate` without `-p`; nil means there is no terminal to prompt on.
  public func run(_ line: String, on host: String, password: String? = nil) -> ShellResult {
    if line.trimmingWhitespace().isEmpty { return ShellResult(output: CommandOutput()) }
    do {
      return run(try LdmCommandLine.parse(line), on: host, password: password)
    } catch {
      return ShellResult(output: .failure(error.message))
    }
  }

  /// Runs a parsed line on `host`.
  public func run(_ line: LdmCommandLine, on host: String, password: String? = nil)
    -> ShellResult
  {
    guard let machine = datacenter.host(named: host) else {
      return ShellResult(output: .failure("ldm-console: no host named \(host)"))
    }
    if case .migrate(let options) = line.command {
      return migrate(options, on: host, password: password)
    }
    if case .cancelMigration(let domain) = line.command {
      return cancel(domain, on: machine)
    }
    var output: CommandOutput
    do {
      output = try execute(line.command, on: machine)
    } catch {
      output = .failure(error.message)
    }
    guard let filter = line.filter, output.succeeded else { return ShellResult(output: output) }
    // Like `grep` at the end of a pipe: the filtered lines, status 1 when none matched.
    let kept = output.lines.filter(filter.matches)
    return ShellResult(output: CommandOutput(lines: kept, status: kept.isEmpty ? 1 : 0))
  }

  /// The rest of a command's output once what it started has ended; nil while it runs.
  public func completion(of operation: PendingOperation) -> CommandOutput? {
    switch operation {
    case .migration(let id), .dryRun(let id):
      guard let migration = datacenter.migration(id) else {
        return .failure("ldm-console: migration \(id) is no longer known")
      }
      guard let outcome = migration.outcome else { return nil }
      if migration.isDryRun {
        let lines = MigrationText.dryRunLines(
          migration.checkResults ?? [], domain: migration.domainName)
        return CommandOutput(lines: lines, status: lines.isEmpty ? 0 : 1)
      }
      let lines = MigrationText.lines(outcome, domain: migration.domainName)
      return CommandOutput(lines: lines, status: lines.isEmpty ? 0 : 1)
    case .cancellation(let id):
      guard let migration = datacenter.migration(id) else { return CommandOutput() }
      return migration.isFinished ? CommandOutput() : nil
    case .recovery(let domain, let host):
      guard
        let query = datacenter.manager(named: host)?.recoveries.last(where: {
          $0.domainName == domain
        })
      else { return .failure("ldm-console: the recovery of \(domain) is no longer known") }
      guard let result = query.result else { return nil }
      guard result == .restoredUnconfirmed else { return CommandOutput() }
      return CommandOutput(lines: [
        "Warning: \(query.targetHostName) could not be asked whether \(domain) resumed there;"
          + " \(domain) was restored on \(host)"
      ])
    }
  }

  /// `cancel-operation migration`: at once, or a recovery that asks the target first.
  func cancel(_ domain: String, on host: Host) -> ShellResult {
    do {
      switch try datacenter.cancelMigration(of: domain, on: host.name) {
      case .recovering:
        return ShellResult(
          output: CommandOutput(), pending: .recovery(domain: domain, host: host.name))
      case .cancelled(let migration):
        return ShellResult(
          output: CommandOutput(),
          pending: migration.isFinished ? nil : .cancellation(migration.id))
      }
    } catch {
      return ShellResult(output: .failure(error.message))
    }
  }

  func execute(_ command: LdmCommand, on host: Host) throws(LdmError) -> CommandOutput {
    do {
      switch command {
      case .listDomains(let options): return list(options, on: host)
      case .listServices: return CommandOutput(lines: ServicesFormatter.lines(host.snapshot()))
      case .psrinfo: return CommandOutput(lines: HardwareFormatter.psrinfo(host.snapshot()))
      case .prtconf: return CommandOutput(lines: HardwareFormatter.prtconf(host.snapshot()))
      case .migrate, .cancelMigration:
        preconditionFailure("migrate and cancel-operation are run by their own functions")
      default:
        try LifecycleExecutor.execute(command, on: host)
      }
    } catch {
      throw LdmError(error.message)
    }
    return CommandOutput()
  }

  func list(_ options: LdmCommand.ListOptions, on host: Host) -> CommandOutput {
    let snapshot = host.snapshot()
    let missing = options.names.filter { snapshot.domain(named: $0) == nil }
    let errors = missing.map { "Domain \($0) not found" }
    let domains =
      options.names.isEmpty
      ? snapshot.domains : options.names.compactMap { snapshot.domain(named: $0) }
    let status: Int32 = missing.isEmpty ? 0 : 1
    guard !domains.isEmpty else { return CommandOutput(lines: errors, status: status) }
    var lines: [String]
    switch options.format {
    case .table: lines = DomainListFormatter.table(domains)
    case .parseable: lines = DomainListFormatter.parseable(domains)
    case .long:
      let separator = String(repeating: "-", count: 78)
      lines = Array(
        domains.map { LongListFormatter.lines($0, on: snapshot) }.joined(separator: [separator]))
    case .status:
      let datacenter = self.datacenter.snapshot()
      lines = Array(
        domains.map {
          StatusFormatter.lines(domain: $0.name, host: host.name, datacenter: datacenter)
        }.joined(separator: [""]))
    }
    return CommandOutput(lines: errors + lines, status: status)
  }
}
