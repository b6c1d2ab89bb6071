import Engine
import LdmCommands
import Migration

/// The guided tour: space and `n` go on, `q` leaves; every other key works as usual.
extension ConsoleApp {
  /// Starts `script` on `state` at its first step; returns the commands of that step.
  public static func startDemo(_ script: DemoScript, _ state: inout ConsoleState)
    -> [ConsoleCommand]
  {
    guard !script.steps.isEmpty else {
      state.demo = nil
      return []
    }
    state.demo = DemoState(script: script)
    return enterDemoStep(&state)
  }

  /// The tour's answer to a key, or nil when the key is not the tour's (a dialog the tour did
  /// not open has every key; elsewhere only space, `n` and `q` are the tour's).
  static func handleDemoKey(_ key: KeyEvent, _ state: inout ConsoleState) -> [ConsoleCommand]? {
    guard demoHasKeys(state) else { return nil }
    if state.dialog != nil, key == .escape {
      state.demo?.formDomain = nil
      return nil
    }
    switch key {
    case .character(" "), .character("n"): return advanceDemo(&state)
    case .character("q"): return [.quit]
    default: return nil
    }
  }

  /// Whether space, `n` and `q` are the tour's: on the main screen, in the migrate form the
  /// tour opened, and over a message its requests brought (a refusal), which its next step
  /// closes.
  static func demoHasKeys(_ state: ConsoleState) -> Bool {
    guard let demo = state.demo else { return false }
    switch state.dialog {
    case nil, .message?: return true
    case .migrate(let form)?: return form.domain == demo.formDomain
    default: return false
    }
  }

  /// Goes on to the next step when the current one is over; past the last, ends the tour.
  static func advanceDemo(_ state: inout ConsoleState) -> [ConsoleCommand] {
    guard var demo = state.demo, demo.isReady else { return [] }
    if demo.isLastStep {
      state.demo = nil
      note("demo: the tour is over", &state)
      return []
    }
    demo.index += 1
    state.demo = demo
    return enterDemoStep(&state)
  }

  /// Performs the current step's actions and looks at once whether its wait is over.
  static func enterDemoStep(_ state: inout ConsoleState) -> [ConsoleCommand] {
    guard let demo = state.demo else { return [] }
    state.demo?.isReady = false
    state.demo?.reachedPhase = nil
    note("demo \(demo.position): \(demo.step.title)", &state)
    var commands: [ConsoleCommand] = []
    for action in demo.step.actions { commands += perform(action, &state) }
    return commands + observeDemo(&state)
  }

  /// Follows the reports about the tour's requests.
  static func noteDemoReport(_ report: EngineReport, _ state: inout ConsoleState) {
    guard let demo = state.demo else { return }
    switch report {
    case .migrationStarted(let ticket, let id) where ticket == demo.ticket:
      state.demo?.migration = id
      state.demo?.formDomain = nil
    case .pausedAtPhase(let id, let phase) where id == demo.migration:
      state.demo?.reachedPhase = phase
    default: break
    }
  }

  /// Marks the step ready when its wait is over, performing its `onReady` actions once.
  static func observeDemo(_ state: inout ConsoleState) -> [ConsoleCommand] {
    guard let demo = state.demo, !demo.isReady, isOver(demo.step.wait, demo, state) else {
      return []
    }
    state.demo?.isReady = true
    return demo.step.onReady.flatMap { perform($0, &state) }
  }

  static func isOver(_ wait: DemoWait, _ demo: DemoState, _ state: ConsoleState) -> Bool {
    // Until the engine answers the tour's request there is nothing to look at.
    let answered = demo.ticket.map { state.pending[$0] == nil } ?? true
    let migration = demo.migration.flatMap { id in
      state.datacenter.migrations.first { $0.id == id }
    }
    let gone = answered && (migration?.isFinished ?? true)
    switch wait {
    case .nothing: return true
    case .migrationStarted: return answered
    case .pausedAt(let phase): return demo.reachedPhase == phase || gone
    case .transferred(let fraction):
      guard let migration, !gone else { return gone }
      return migration.phase > .stateTransfer
        || (migration.phase == .stateTransfer && migration.statistics.progress >= fraction)
    case .migrationFinished: return gone
    case .formAnswered:
      guard case .migrate(let form) = state.dialog else { return true }
      return form.ticket == nil && form.outcome != nil
    }
  }

  static func perform(_ action: DemoAction, _ state: inout ConsoleState) -> [ConsoleCommand] {
    switch action {
    case .setPaused(let paused):
      state.live.isPaused = paused
      return [.engine(.setPaused(paused))]
    case .setSpeed(let speed):
      state.live.speed = speed
      return [.engine(.setSpeed(speed))]
    case .stepToNextPhase:
      state.live.isStepping = true
      state.live.isPaused = false
      return [.engine(.pauseAtNextPhase)]
    case .openForm(let filled):
      openDemoForm(filled, &state)
      return []
    case .submitForm(let filled):
      var isShown = false
      if case .migrate(let form) = state.dialog { isShown = form.domain == filled.domain }
      if !isShown { openDemoForm(filled, &state) }
      guard case .migrate(var form) = state.dialog else { return [] }
      let commands = submit(&form, &state)
      state.dialog = .migrate(form)
      state.demo?.ticket = form.ticket
      state.demo?.migration = nil
      return commands
    case .cancelMigration:
      guard let id = state.demo?.migration,
        let migration = state.datacenter.migrations.first(where: { $0.id == id }),
        !migration.isFinished
      else { return [] }
      select(migration.domain, on: migration.sourceHost, &state)
      let ticket = state.issueTicket(
        for: .cancel(domain: migration.domain, host: migration.sourceHost))
      return [
        .engine(.cancel(domain: migration.domain, host: migration.sourceHost, ticket: ticket))
      ]
    case .closeDialog:
      state.dialog = nil
      state.demo?.formDomain = nil
      return []
    }
  }

  /// The migrate form on `filled.domain`, with the domain selected in its host's table.
  static func openDemoForm(_ filled: DemoForm, _ state: inout ConsoleState) {
    select(filled.domain, on: filled.sourceHost, &state)
    var form = MigrateForm(
      sourceHost: filled.sourceHost, domain: filled.domain, targetHost: "")
    form.target = TextInput(filled.target)
    form.password = TextInput(filled.password)
    form.dryRun = filled.dryRun
    state.dialog = .migrate(form)
    state.demo?.formDomain = filled.domain
  }

  /// Focuses `host`'s table and selects `domain` in it, when both are shown.
  static func select(_ domain: String, on host: String, _ state: inout ConsoleState) {
    let side: HostSide = host == state.targetHost ? .target : .source
    state.focus = side
    guard let index = state.host(side)?.domains.firstIndex(where: { $0.name == domain }) else {
      return
    }
    state.setSelection(DomainSelection(name: domain, index: index), for: side)
  }
}
