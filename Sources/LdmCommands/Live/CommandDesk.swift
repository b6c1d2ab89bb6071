import Engine
import Hypervisor
import Migration

/// The commands a console sends that act on managers (`:` lines, the migrate form, `c`), and
/// the answers they come to as the managers run: what the console's engine thread and `ldmd`
/// share. Time is not its business: the caller lets it pass and then collects ``answers()``.
public struct CommandDesk {
  public let directory: any ManagerDirectory
  let shell: LdmShell
  /// What `:` lines started that has not ended yet, by the line's ticket.
  private var background: [(operation: PendingOperation, ticket: Int, answered: Bool)] = []
  /// Migrations and dry runs the migrate form started, until they answer.
  private var formRequests: [(id: MigrationID, ticket: Int)] = []
  /// Cancels that wait for the target's answer.
  private var cancels: [(operation: PendingOperation, ticket: Int)] = []

  public init(directory: any ManagerDirectory, baseDirectory: String = "") {
    self.directory = directory
    shell = LdmShell(datacenter: directory, baseDirectory: baseDirectory)
  }

  /// What a cancel, or a `cancel-operation` typed at `:`, still waits for.
  public var waitingCancels: [PendingOperation] {
    cancels.map(\.operation)
      + background.filter { $0.operation.migration == nil && !$0.operation.isDryRun }
      .map(\.operation)
  }

  /// Whether `operation` has ended.
  public func isDone(_ operation: PendingOperation) -> Bool {
    shell.completion(of: operation) != nil
  }

  /// The immediate answers to `command`, or nil when the desk does not take it (faults and
  /// the simulated clock are the in-process engine's).
  public mutating func handle(_ command: EngineCommand) -> [EngineReport]? {
    switch command {
    case .ldm(let line, let host, let ticket, let password, let foreground):
      let result = shell.run(line, on: host, password: password)
      var output = result.output
      guard let pending = result.pending else {
        return [.commandFinished(ticket: ticket, output: output.text, status: output.status)]
      }
      if !foreground, let id = pending.migration {
        // ldm would block; the console lets it run and says so, then reports a failure.
        background.append((pending, ticket, true))
        output.lines.append("Migration \(id) started; it runs in the background")
        return [
          .commandFinished(ticket: ticket, output: output.text, status: output.status),
          .backgroundMigration(ticket: ticket, id: id),
        ]
      }
      background.append((pending, ticket, false))
      return []
    case .migrate(let request, let ticket):
      do {
        let id = try directory.startMigration(request)
        formRequests.append((id, ticket))
        return request.dryRun ? [] : [.migrationStarted(ticket: ticket, id: id)]
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
    case .cancel(let domain, let host, let ticket):
      do {
        switch try directory.cancelMigration(of: domain, on: host) {
        case .recovering:
          cancels.append((.recovery(domain: domain, host: host), ticket))
        case .cancelled(let migration):
          cancels.append((.cancellation(migration.id), ticket))
        }
        return []
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
    case .fault, .setSpeed, .setPaused, .pauseAtNextPhase, .shutdown:
      return nil
    }
  }

  /// The answers that came due: ended `:` commands, the migrate form's verdicts, cancels.
  public mutating func answers() -> [EngineReport] {
    var reports: [EngineReport] = []
    let shell = self.shell
    let directory = self.directory
    background.removeAll { item in
      guard let output = shell.completion(of: item.operation) else { return false }
      if !item.answered || !output.succeeded {
        reports.append(
          .commandFinished(ticket: item.ticket, output: output.text, status: output.status))
      }
      return true
    }
    formRequests.removeAll { request in
      guard let migration = directory.migration(request.id) else { return true }
      if migration.isDryRun {
        guard migration.isFinished else { return false }
        reports.append(
          .dryRunFinished(ticket: request.ticket, results: migration.checkResults ?? []))
        return true
      }
      // Followed until its target exists: a refusal before that is the form's answer.
      if migration.targetRequested { return true }
      guard let outcome = migration.outcome else { return false }
      let failing = (migration.checkResults ?? []).flatMap(\.lines)
      let lines =
        failing.isEmpty || outcome == .cancelled
        ? MigrationText.lines(outcome, domain: migration.domainName)
        : failing + ["Domain Migration of LDom \(migration.domainName) failed"]
      reports.append(
        .migrationRefused(
          ticket: request.ticket, id: request.id, domain: migration.domainName, lines: lines))
      return true
    }
    cancels.removeAll { item in
      guard shell.completion(of: item.operation) != nil else { return false }
      reports.append(.cancelled(ticket: item.ticket))
      return true
    }
    return reports
  }
}
