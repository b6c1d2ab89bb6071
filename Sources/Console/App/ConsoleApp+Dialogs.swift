import Engine
import LdmCommands
import Migration

extension ConsoleApp {
  /// A key while a dialog is open. Escape closes any dialog and does nothing else.
  static func handleDialogKey(_ key: KeyEvent, _ state: inout ConsoleState) -> [ConsoleCommand] {
    guard let dialog = state.dialog else { return [] }
    if key == .escape {
      state.dialog = nil
      return []
    }
    switch dialog {
    case .migrate(var form):
      let commands = handleFormKey(key, &form, &state)
      if case .migrate = state.dialog { state.dialog = .migrate(form) }
      return commands
    case .cancelConfirm(let domain, let host):
      switch key {
      case .character("y"), .character("Y"):
        state.dialog = nil
        let ticket = state.issueTicket(for: .cancel(domain: domain, host: host))
        return [.engine(.cancel(domain: domain, host: host, ticket: ticket))]
      case .character("n"), .character("N"): state.dialog = nil
      default: break
      }
    case .faultMenu(var menu):
      switch key {
      case .up, .character("k"): menu.move(by: -1)
      case .down, .character("j"): menu.move(by: 1)
      case .left, .character("h"): menu.moveTrigger(by: -1)
      case .right, .character("l"), .tab: menu.moveTrigger(by: 1)
      case .character("a"): menu.moveAim(by: 1)
      case .character("A"), .backtab: menu.moveAim(by: -1)
      case .enter:
        state.dialog = nil
        let aimed = menu.aim == .link ? "" : " on \(FaultMenu.title(of: menu.aim))"
        let description = "\(menu.choice.fault) \(menu.trigger)\(aimed)"
        let ticket = state.issueTicket(for: .fault(description))
        return [.engine(.fault(menu.choice.fault, menu.aim, menu.trigger, ticket: ticket))]
      default: break
      }
      if case .faultMenu = state.dialog { state.dialog = .faultMenu(menu) }
    case .help(let offset):
      let page = max(1, state.height - 6)
      switch key {
      case .up, .character("k"): state.dialog = .help(offset: max(0, offset - 1))
      case .down, .character("j"): state.dialog = .help(offset: offset + 1)
      case .pageUp: state.dialog = .help(offset: max(0, offset - page))
      case .pageDown: state.dialog = .help(offset: offset + page)
      case .enter, .character("?"), .character("q"): state.dialog = nil
      default: break
      }
    case .commandLine(var prompt):
      return handlePromptKey(key, &prompt, &state)
    case .password(var prompt):
      if key == .enter {
        return runCommand(prompt.line, on: prompt.host, password: prompt.input.value, &state)
      }
      prompt.input.apply(key)
      state.dialog = .password(prompt)
    case .commandOutput(var pane):
      let viewport = commandPaneViewport(state, pane)
      let page = max(1, viewport.rows - 1)
      switch key {
      case .up, .character("k"): pane.offset -= 1
      case .down, .character("j"): pane.offset += 1
      case .pageUp: pane.offset -= page
      case .pageDown, .character(" "): pane.offset += page
      case .home: pane.offset = 0
      case .end: pane.offset = pane.lines.count
      case .left, .character("h"): pane.column -= Self.sidewaysStep
      case .right, .character("l"): pane.column += Self.sidewaysStep
      case .character(":"):
        state.dialog = .commandLine(CommandPrompt(host: pane.host))
        return []
      case .enter, .character("q"):
        state.dialog = nil
        return []
      default: break
      }
      // Kept within the output, so that scrolling back answers at once.
      pane.offset = min(max(0, pane.offset), max(0, pane.lines.count - viewport.rows))
      pane.column = min(max(0, pane.column), max(0, pane.widest - viewport.columns))
      state.dialog = .commandOutput(pane)
    case .quitConfirm:
      switch key {
      case .character("y"), .character("Y"):
        state.dialog = nil
        return [.quit]
      case .character("n"), .character("N"): state.dialog = nil
      default: break
      }
    case .message:
      if key == .enter || key == .character(" ") || key == .character("q") { state.dialog = nil }
    }
    return []
  }

  static func handleFormKey(
    _ key: KeyEvent, _ form: inout MigrateForm, _ state: inout ConsoleState
  ) -> [ConsoleCommand] {
    switch key {
    case .tab, .down: form.moveFocus(by: 1)
    case .backtab, .up: form.moveFocus(by: -1)
    case .enter: return submit(&form, &state)
    case .character(" ") where form.focus == .dryRun: form.dryRun.toggle()
    case .character(" ") where form.focus == .force: form.force.toggle()
    default:
      switch form.focus {
      case .target: form.target.apply(key)
      case .password: form.password.apply(key)
      case .dryRun, .force: break
      }
    }
    return []
  }

  static func submit(_ form: inout MigrateForm, _ state: inout ConsoleState) -> [ConsoleCommand] {
    guard form.ticket == nil else { return [] }
    switch form.request() {
    case .failure(let problem):
      form.outcome = .invalid(problem.reason)
      return []
    case .success(let request):
      let ticket = state.issueTicket(
        for: .migrate(domain: request.domain, host: request.sourceHost, dryRun: request.dryRun))
      form.ticket = ticket
      form.outcome = nil
      return [.engine(.migrate(request, ticket: ticket))]
    }
  }

  static func handlePromptKey(
    _ key: KeyEvent, _ prompt: inout CommandPrompt, _ state: inout ConsoleState
  ) -> [ConsoleCommand] {
    let history = state.commandHistory
    switch key {
    case .enter:
      let line = prompt.commandLine
      guard !line.isEmpty else {
        state.dialog = nil
        return []
      }
      if history.last != line { state.commandHistory.append(line) }
      if state.commandHistory.count > 100 { state.commandHistory.removeFirst() }
      if PasswordPrompt.isNeeded(for: line) {
        // ldm asks at a terminal, and the console is one.
        state.dialog = .password(PasswordPrompt(host: prompt.host, line: line))
        return []
      }
      return runCommand(line, on: prompt.host, password: nil, &state)
    case .up:
      guard !history.isEmpty else { break }
      if prompt.historyIndex == nil { prompt.draft = prompt.input.value }
      let index = max(0, (prompt.historyIndex ?? history.count) - 1)
      prompt.historyIndex = index
      prompt.input = TextInput(history[index])
    case .down:
      guard let index = prompt.historyIndex else { break }
      if index + 1 < history.count {
        prompt.historyIndex = index + 1
        prompt.input = TextInput(history[index + 1])
      } else {
        prompt.historyIndex = nil
        prompt.input = TextInput(prompt.draft)
      }
    default:
      prompt.input.apply(key)
    }
    state.dialog = .commandLine(prompt)
    return []
  }

  /// Columns ← and → move the output pane by.
  static let sidewaysStep = 8

  /// Sends a `:` line to the engine; its answer comes to the status line or a pane.
  static func runCommand(
    _ line: String, on host: String, password: String?, _ state: inout ConsoleState
  ) -> [ConsoleCommand] {
    let ticket = state.issueTicket(for: .ldm(line: line, host: host))
    state.dialog = nil
    state.statusMessage = StatusMessage("\(host)# \(line)\(state.glyphs.ellipsis)")
    return [.engine(.ldm(line: line, host: host, ticket: ticket, password: password))]
  }
}
