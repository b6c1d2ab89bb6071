import Engine
import LdmCommands
import Migration

/// The console as an Elm-style program: `update` turns an event into a new state and the
/// commands for the outside world, `view` draws a state. Both are pure.
public enum ConsoleApp {
  /// Applies `event` to `state`; returns what the executable must do (send to the engine,
  /// load a theme, quit), in order.
  public static func update(_ state: inout ConsoleState, _ event: ConsoleEvent)
    -> [ConsoleCommand]
  {
    switch event {
    case .key(let key):
      // An answer in the status line stays until the next key, as a shell's stays until the
      // next command.
      state.statusMessage = nil
      if let commands = handleDemoKey(key, &state) { return commands }
      if state.dialog != nil { return handleDialogKey(key, &state) }
      return handleKey(key, &state)
    case .resize(let width, let height):
      state.width = max(0, width)
      state.height = max(0, height)
      return []
    case .snapshot(let live):
      apply(live, to: &state)
      return observeDemo(&state)
    case .report(let report):
      handle(report, &state)
      noteDemoReport(report, &state)
      return observeDemo(&state)
    case .themeLoadFailed(let name, let message):
      state.appendLog(
        LogEntry(
          timestamp: clock(state), message: "theme \(name) skipped: \(message)",
          role: .logWarning))
      return []
    }
  }

  /// `00:00:07.4`: the simulated time, as log lines are stamped.
  static func clock(_ state: ConsoleState) -> String {
    timestamp(state.datacenter.time)
  }

  /// Simulated seconds as the log shows them, `00:00:07.4`.
  static func timestamp(_ time: Double) -> String {
    MigrationEvent.timestamp(time)
  }

  static func note(_ message: String, role: Role = .logInfo, _ state: inout ConsoleState) {
    state.appendLog(LogEntry(timestamp: clock(state), message: message, role: role))
  }

  /// A refusal: one line that fits goes to the status line, more open a message.
  static func refuse(_ title: String, _ lines: [String], _ state: inout ConsoleState) {
    if lines.count == 1,
      DisplayWidth.of(lines[0]) <= StatusFooter.messageRoom(width: state.width, live: state.live)
    {
      state.statusMessage = StatusMessage(lines[0], role: .logError)
    } else {
      state.dialog = .message(title: title, lines: lines)
    }
  }

  // MARK: Answers of `:` lines

  /// A one-line answer goes to the status line (and the log, to be read again); a longer
  /// one, or a line too wide for the status line, opens the output pane in the log's place,
  /// unless another dialog is open: then it goes to the log.
  static func show(_ answer: CommandRun, _ state: inout ConsoleState) {
    let verdict = answer.status == 0 ? "done" : "exit status \(answer.status)"
    let role: Role = answer.status == 0 ? .logInfo : .logError
    let oneLine = answer.lines.count <= 1 ? answer.lines.first ?? "\(answer.line): \(verdict)" : nil
    if let oneLine,
      DisplayWidth.of(oneLine) <= StatusFooter.messageRoom(width: state.width, live: state.live)
    {
      state.statusMessage = StatusMessage(
        oneLine, role: answer.status == 0 ? .footerText : .logError)
      note("\(answer.title): \(verdict)", role: role, &state)
      for line in answer.lines { note("  \(line)", role: role, &state) }
      return
    }
    switch state.dialog {
    case nil, .commandOutput?:
      state.statusMessage = nil
      state.dialog = .commandOutput(answer)
    default:
      note("\(answer.title): \(verdict)", role: role, &state)
      for line in answer.lines where !line.isEmpty { note("  \(line)", role: role, &state) }
      state.statusMessage = StatusMessage(
        "\(answer.title): \(verdict), output in the log",
        role: role == .logInfo ? .footerText : role)
    }
  }

  /// Whether `line`, having succeeded, left a migration running in the background.
  static func startsAMigration(_ line: String) -> Bool {
    guard case .migrate(let options)? = try? LdmCommandLine.parse(line).command else {
      return false
    }
    return !options.dryRun
  }

  static func rememberBackground(
    _ line: String, _ host: String, _ ticket: Int, _ state: inout ConsoleState
  ) {
    state.backgroundCommands[ticket] = .ldm(line: line, host: host)
    // Tickets only grow: the smallest are the oldest, whose migrations ended long ago.
    while state.backgroundCommands.count > ConsoleState.backgroundLimit,
      let oldest = state.backgroundCommands.keys.min()
    {
      state.backgroundCommands[oldest] = nil
    }
  }

  // MARK: Snapshots

  static func apply(_ live: LiveSnapshot, to state: inout ConsoleState) {
    state.live = live
    state.appendEvents(live.events)
    state.reconcileSelections()
    // Follow the newest migration under way unless the user is looking at one still running.
    let migrations = live.datacenter.migrations
    let shownIsRunning =
      state.selectedMigration.flatMap { id in
        migrations.first { $0.id == id }
      }.map { !$0.isFinished } ?? false
    if !shownIsRunning, let newest = migrations.last(where: { !$0.isFinished }),
      newest.id > (state.selectedMigration ?? MigrationID(0))
    {
      state.selectedMigration = newest.id
    }
  }

  // MARK: Engine reports

  static func handle(_ report: EngineReport, _ state: inout ConsoleState) {
    switch report {
    case .commandFinished(let ticket, let output, let status):
      guard
        case .ldm(let line, let host)? = state.pending.removeValue(forKey: ticket)
          ?? state.backgroundCommands.removeValue(forKey: ticket)
      else { return }
      var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      if status == 0, startsAMigration(line) { rememberBackground(line, host, ticket, &state) }
      show(
        CommandRun(host: host, line: line, ticket: ticket, lines: lines, status: status), &state)
    case .migrationStarted(let ticket, let id):
      state.pending[ticket] = nil
      if case .migrate(let form) = state.dialog, form.ticket == ticket { state.dialog = nil }
      state.selectedMigration = id
    case .dryRunFinished(let ticket, let results):
      state.pending[ticket] = nil
      if case .migrate(var form) = state.dialog, form.ticket == ticket {
        form.ticket = nil
        form.outcome = .dryRun(results)
        state.dialog = .migrate(form)
      } else {
        let failed = results.filter { !$0.passed }.count
        note("dry run finished: \(failed) of \(results.count) pre-checks failed", &state)
      }
    case .refused(let ticket, let lines):
      let request = state.pending.removeValue(forKey: ticket)
      if case .migrate(var form) = state.dialog, form.ticket == ticket {
        form.ticket = nil
        form.outcome = .refused(lines)
        state.dialog = .migrate(form)
      } else {
        for line in lines { note(line, role: .logError, &state) }
        if case .cancel(let domain, _) = request {
          refuse("Cancel of \(domain) refused", lines, &state)
        } else if case .fault(let name) = request {
          refuse("Fault \(name) refused", lines, &state)
        }
      }
    case .migrationRefused(_, _, let domain, let lines):
      // The form closed when the migration started; its refusal comes as the pre-checks fail.
      for line in lines { note(line, role: .logError, &state) }
      if state.dialog == nil { refuse("Migration of \(domain) refused", lines, &state) }
    case .cancelled(let ticket):
      if case .cancel(let domain, let host) = state.pending.removeValue(forKey: ticket) {
        note("cancel-operation migration \(domain) accepted on \(host)", role: .logWarning, &state)
      }
    case .faultInjected(let ticket, _):
      // The engine's fault-armed or fault-injected event says what happened, in time order.
      state.pending[ticket] = nil
    case .backgroundMigration:
      // The panel follows the newest migration under way by itself.
      break
    case .pausedAtPhase(let id, let phase):
      state.selectedMigration = id
      note(
        "paused at phase \(phase.rawValue) \(phase.title): space resumes, n runs to the next phase",
        &state)
    }
  }
}
