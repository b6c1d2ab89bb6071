import Engine
import LdmCommands
import Migration

extension ConsoleApp {
  /// A key on the main screen (no dialog open).
  static func handleKey(_ key: KeyEvent, _ state: inout ConsoleState) -> [ConsoleCommand] {
    if state.live.clock == .wallClock, let reason = wallClockRefusal(key) {
      // Said, not silently ignored: these controls belong to the built-in simulation.
      state.statusMessage = StatusMessage(reason, role: .logWarning)
      return []
    }
    switch key {
    case .up, .character("k"): moveSelection(by: -1, &state)
    case .down, .character("j"): moveSelection(by: 1, &state)
    case .home: moveSelection(by: Int.min / 2, &state)
    case .end: moveSelection(by: Int.max / 2, &state)
    case .tab, .backtab, .left, .right:
      if !state.targetHost.isEmpty { state.focus = state.focus.other }
    case .character("["): selectMigration(by: -1, &state)
    case .character("]"): selectMigration(by: 1, &state)
    case .pageUp: state.logScrollBack = min(state.logScrollBack + 5, max(0, state.log.count - 1))
    case .pageDown: state.logScrollBack = max(0, state.logScrollBack - 5)
    case .character("m"): openMigrateForm(&state)
    case .character("c"): askToCancel(&state)
    case .character(":"):
      state.dialog = .commandLine(CommandPrompt(host: state.hostName(state.focus)))
    case .character("f"):
      let migrating = state.datacenter.migrations.filter { !$0.isFinished }.map(\.domain)
      state.dialog = .faultMenu(FaultMenu(migrating: migrating))
    case .character("t"): return [nextTheme(&state)]
    case .character("+"), .character("="): return changeSpeed(by: 1, &state)
    case .character("-"), .character("_"): return changeSpeed(by: -1, &state)
    case .character(" "):
      state.live.isPaused.toggle()
      return [.engine(.setPaused(state.live.isPaused))]
    case .character("n"):
      state.live.isStepping = true
      return [.engine(.pauseAtNextPhase)]
    case .character("?"), .function(1): state.dialog = .help(offset: 0)
    case .character("q"):
      if state.isMigrating {
        state.dialog = .quitConfirm
      } else {
        return [.quit]
      }
    default: break
    }
    return []
  }

  /// Why a key does nothing against daemons, for the keys that do nothing there.
  static func wallClockRefusal(_ key: KeyEvent) -> String? {
    switch key {
    case .character("+"), .character("="), .character("-"), .character("_"), .character(" "),
      .character("n"):
      "Speed, pause and step are the simulation's: daemons run on the wall clock"
    case .character("f"):
      "Faults are injected in the simulation only: against daemons, break the link or stop one"
    default:
      nil
    }
  }

  static func moveSelection(by step: Int, _ state: inout ConsoleState) {
    guard let domains = state.host(state.focus)?.domains, !domains.isEmpty else { return }
    let current = state.selection(state.focus).index
    let index = min(max(0, current &+ step), domains.count - 1)
    state.setSelection(DomainSelection(name: domains[index].name, index: index), for: state.focus)
  }

  static func selectMigration(by step: Int, _ state: inout ConsoleState) {
    let migrations = state.datacenter.migrations
    guard !migrations.isEmpty else { return }
    let current =
      state.shownMigration.flatMap { shown in
        migrations.firstIndex { $0.id == shown.id }
      } ?? migrations.count - 1
    let index = min(max(0, current + step), migrations.count - 1)
    state.selectedMigration = migrations[index].id
  }

  static func openMigrateForm(_ state: inout ConsoleState) {
    guard let domain = state.selectedDomain else {
      refuse("Migrate", ["No domain is selected"], &state)
      return
    }
    let host = state.hostName(state.focus)
    if domain.isControl {
      refuse(
        "Migrate \(domain.name)", ["\(domain.name) is the control domain and cannot be migrated"],
        &state)
      return
    }
    // ldm's own refusal, said at once rather than after filling in the form.
    if state.datacenter.activeMigration(of: domain.name, on: host) != nil {
      refuse("Migrate \(domain.name)", ["Domain \(domain.name) is already being migrated"], &state)
      return
    }
    state.dialog = .migrate(
      MigrateForm(
        sourceHost: host, domain: domain.name, targetHost: state.hostName(state.focus.other)))
  }

  static func askToCancel(_ state: inout ConsoleState) {
    guard let domain = state.selectedDomain else {
      refuse("Cancel", ["No domain is selected"], &state)
      return
    }
    let host = state.hostName(state.focus)
    let title = "Cancel migration of \(domain.name)"
    if let migration = state.datacenter.activeMigration(of: domain.name, on: host) {
      if migration.sourceHost != host {
        // ldm's own refusal, said at once rather than after a round trip to the engine.
        refuse(
          title,
          ["Migration of domain \(domain.name) can only be cancelled from the source machine"],
          &state)
      } else if migration.isHandingOff {
        refuse(
          title,
          ["Migration of domain \(domain.name) is in hand-off and can no longer be cancelled"],
          &state)
      } else {
        state.dialog = .cancelConfirm(domain: domain.name, host: host)
      }
    } else if domain.migrationRole == .error {
      // cancel-operation is how ldm clears the error a failed hand-off leaves.
      state.dialog = .cancelConfirm(domain: domain.name, host: host)
    } else {
      refuse(title, ["No migration of domain \(domain.name) is in progress"], &state)
    }
  }

  static func nextTheme(_ state: inout ConsoleState) -> ConsoleCommand {
    state.themeIndex = (state.themeIndex + 1) % state.themeNames.count
    note("theme \(state.themeName)", &state)
    return .setTheme(state.themeName)
  }

  static func changeSpeed(by step: Int, _ state: inout ConsoleState) -> [ConsoleCommand] {
    let speeds = ConsoleState.speeds
    let current = state.live.speed
    let next: Double?
    if step > 0 {
      next = speeds.first { $0 > current + 1e-9 }
    } else {
      next = speeds.last { $0 < current - 1e-9 }
    }
    guard let next else { return [] }
    state.live.speed = next
    return [.engine(.setSpeed(next))]
  }
}
