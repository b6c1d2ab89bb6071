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
      let request = state.pending.removeValue(forKey: ticket)
      let lines =
        output.isEmpty
        ? [] : output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if case .commandOutput(var pane) = state.dialog, pane.ticket == ticket {
        pane.lines = lines
        pane.status = status
        state.dialog = .commandOutput(pane)
      } else if case .ldm(let line, let host) = request {
        let verdict = status == 0 ? "done" : "exit status \(status)"
        note("\(host)# \(line): \(verdict)", role: status == 0 ? .logInfo : .logError, &state)
        for line in lines where !line.isEmpty {
          note("  \(line)", role: status == 0 ? .logInfo : .logError, &state)
        }
      }
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
          state.dialog = .message(title: "Cancel of \(domain) refused", lines: lines)
        } else if case .fault(let name) = request {
          state.dialog = .message(title: "Fault \(name) refused", lines: lines)
        }
      }
    case .cancelled(let ticket):
      if case .cancel(let domain, let host) = state.pending.removeValue(forKey: ticket) {
        note("cancel-operation migration \(domain) accepted on \(host)", role: .logWarning, &state)
      }
    case .faultInjected(let ticket, _):
      // The engine's fault-armed or fault-injected event says what happened, in time order.
      state.pending[ticket] = nil
    case .pausedAtPhase(let id, let phase):
      state.selectedMigration = id
      note(
        "paused at phase \(phase.rawValue) \(phase.title): space resumes, n runs to the next phase",
        &state)
    }
  }
}
