import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// Keys inside each dialog: what they change and what they send.
@Suite("Console keys: dialogs")
struct AppDialogKeyTests {
  private func formOn(_ domain: String = "ldom01") throws -> ConsoleState {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.select(domain, in: &state)
    AppFixtures.send(.key(.character("m")), to: &state)
    return state
  }

  private func form(_ state: ConsoleState) -> MigrateForm? {
    if case .migrate(let form)? = state.dialog { return form }
    return nil
  }

  @Test func formFieldsTakeTabShiftTabAndSpace() throws {
    var state = try formOn()
    AppFixtures.send(.key(.tab), to: &state)
    #expect(form(state)?.focus == .password)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    #expect(form(state)?.dryRun == true)
    AppFixtures.send(.key(.down), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    #expect(form(state)?.force == true)
    AppFixtures.send(.key(.tab), to: &state)
    #expect(form(state)?.focus == .target)
    AppFixtures.send(.key(.backtab), to: &state)
    #expect(form(state)?.focus == .force)
    AppFixtures.send(.key(.up), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    #expect(form(state)?.dryRun == false)
  }

  @Test func enterSendsTheRequestWithRenameUserAndToggles() throws {
    var state = try formOn()
    for _ in 0..<"ldom01".count { AppFixtures.send(.key(.backspace), to: &state) }
    AppFixtures.type("ldom_other", into: &state)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.type("secret", into: &state)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    let request = MigrationRequest(
      sourceHost: "sparc-t4-a", domain: "ldom01", targetHost: "sparc-t4-b", user: "root",
      password: "secret", targetName: "ldom_other", dryRun: false, force: true)
    #expect(commands == [.engine(.migrate(request, ticket: 1))])
    #expect(form(state)?.ticket == 1)
    #expect(state.pending[1] == .migrate(domain: "ldom01", host: "sparc-t4-a", dryRun: false))
    // A second Enter waits for the answer rather than sending twice.
    #expect(AppFixtures.send(.key(.enter), to: &state).isEmpty)
    AppFixtures.send(.report(.migrationStarted(ticket: 1, id: MigrationID(7))), to: &state)
    #expect(state.dialog == nil)
    #expect(state.selectedMigration == MigrationID(7))
    #expect(state.pending.isEmpty)
  }

  @Test func badTargetTextIsRefusedInTheFormWithoutSending() throws {
    let cases: [(String, String)] = [
      ("", "The target host is missing"),
      ("@sparc-t4-b", "The user name before @ is missing"),
      ("root@", "The target host is missing"),
      ("root@sparc-t4-b:", "The domain name after : is missing"),
      ("a@b@c", "The target has more than one @"),
      ("sparc t4", "The target must not contain spaces"),
      ("root@sparc-t4-b:new/name", "The domain name new/name has characters ldm does not accept"),
    ]
    for (text, reason) in cases {
      var state = try formOn()
      AppFixtures.send(.key(.ctrl("u")), to: &state)
      AppFixtures.send(.key(.end), to: &state)
      AppFixtures.send(.key(.ctrl("k")), to: &state)
      AppFixtures.type(text, into: &state)
      AppFixtures.send(.key(.tab), to: &state)
      AppFixtures.type("pw", into: &state)
      #expect(AppFixtures.send(.key(.enter), to: &state).isEmpty, "\(text)")
      #expect(form(state)?.outcome == .invalid(reason), "\(text)")
      #expect(state.pending.isEmpty)
      #expect(ConsoleApp.view(state).rendered().contains(reason), "\(text)")
    }
    var noPassword = try formOn()
    #expect(AppFixtures.send(.key(.enter), to: &noPassword).isEmpty)
    #expect(form(noPassword)?.outcome == .invalid("Type the target password (Target Password:)"))
  }

  @Test func targetSpecDefaultsTheUserAndTakesAPlainHost() throws {
    #expect(
      try TargetSpec.parse(" sparc-t4-b ").get()
        == TargetSpec(user: "root", host: "sparc-t4-b", name: nil))
    #expect(
      try TargetSpec.parse("admin@sparc-t4-b:web1").get()
        == TargetSpec(user: "admin", host: "sparc-t4-b", name: "web1"))
  }

  @Test func refusalAndDryRunResultsStayInTheForm() throws {
    var state = try formOn("ldom03")
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.type("secret", into: &state)
    AppFixtures.send(.key(.enter), to: &state)
    let lines = [
      "Volume vol03@primary-vds0 is not defined on the target machine",
      "Domain Migration of LDom ldom03 failed",
    ]
    AppFixtures.send(.report(.refused(ticket: 1, lines: lines)), to: &state)
    #expect(form(state)?.outcome == .refused(lines))
    #expect(form(state)?.ticket == nil)
    let screen = ConsoleApp.view(state).rendered()
    for line in lines { #expect(screen.contains(line)) }

    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    guard case .engine(.migrate(let request, let ticket))? = commands.first else {
      Issue.record("no request")
      return
    }
    #expect(request.dryRun)
    let results = try MigrationHarness.dryRun(AppFixtures.datacenter(), request)
    AppFixtures.send(.report(.dryRunFinished(ticket: ticket, results: results)), to: &state)
    #expect(form(state)?.outcome == .dryRun(results))
    let dryScreen = ConsoleApp.view(state).rendered()
    #expect(dryScreen.contains("✓ target reachable"))
    #expect(dryScreen.contains("✗ Volume vol03@primary-vds0 is not defined on the target machine"))
    #expect(dryScreen.contains("Domain Migration of LDom ldom03 would fail if attempted"))
  }

  @Test func thePasswordNeverShowsInAScreenALogLineOrAMessage() throws {
    var state = try formOn()
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.type("hunter2", into: &state)
    for size in [(80, 24), (200, 60)] {
      state.width = size.0
      state.height = size.1
      let screen = ConsoleApp.view(state).rendered()
      #expect(!screen.contains("hunter2"))
      #expect(screen.contains("*******"))
    }
    AppFixtures.send(.key(.enter), to: &state)
    AppFixtures.send(
      .report(.refused(ticket: 1, lines: ["Authentication to sparc-t4-b as root failed"])),
      to: &state)
    #expect(!ConsoleApp.view(state).rendered().contains("hunter2"))
    #expect(!state.log.contains { $0.text.contains("hunter2") })
    AppFixtures.send(.key(.escape), to: &state)
    #expect(state.dialog == nil)
    #expect(!state.log.contains { $0.text.contains("hunter2") })
  }

  @Test func escapeClosesEveryDialogWithoutSideEffects() throws {
    let base = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    let dialogs: [ConsoleDialog] = [
      .migrate(MigrateForm(sourceHost: "sparc-t4-a", domain: "ldom02", targetHost: "sparc-t4-b")),
      .cancelConfirm(domain: "ldom01", host: "sparc-t4-a"),
      .faultMenu(FaultMenu(selected: 2, triggerIndex: 3)),
      .help(offset: 4),
      .commandLine(CommandPrompt(host: "sparc-t4-a", input: TextInput("ldm list"))),
      .commandOutput(
        CommandRun(host: "sparc-t4-a", line: "ldm list", ticket: 9, lines: ["a"], status: 0)),
      .password(PasswordPrompt(host: "sparc-t4-a", line: "ldm migrate ldom01 sparc-t4-b")),
      .quitConfirm,
      .message(title: "Cancel", lines: ["No domain is selected."]),
    ]
    for dialog in dialogs {
      var state = base
      state.dialog = dialog
      #expect(AppFixtures.send(.key(.escape), to: &state).isEmpty, "\(dialog)")
      var expected = base
      expected.dialog = nil
      #expect(state == expected, "\(dialog)")
    }
  }

  @Test func cancelConfirmationSendsOnYesOnly() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    AppFixtures.select("ldom01", in: &state)
    AppFixtures.send(.key(.character("c")), to: &state)
    #expect(AppFixtures.send(.key(.character("x")), to: &state).isEmpty)
    #expect(state.dialog == .cancelConfirm(domain: "ldom01", host: "sparc-t4-a"))
    AppFixtures.send(.key(.character("n")), to: &state)
    #expect(state.dialog == nil)
    AppFixtures.send(.key(.character("c")), to: &state)
    let commands = AppFixtures.send(.key(.character("y")), to: &state)
    #expect(commands == [.engine(.cancel(domain: "ldom01", host: "sparc-t4-a", ticket: 1))])
    #expect(state.dialog == nil)
    AppFixtures.send(.report(.cancelled(ticket: 1)), to: &state)
    #expect(state.pending.isEmpty)
    #expect(state.log.last?.message == "cancel-operation migration ldom01 accepted on sparc-t4-a")
  }

  @Test func aRefusedCancelIsShown() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    AppFixtures.select("ldom01", in: &state)
    AppFixtures.send(.key(.character("c")), to: &state)
    AppFixtures.send(.key(.character("y")), to: &state)
    let line = "Migration of domain ldom01 is in hand-off and can no longer be cancelled"
    AppFixtures.send(.report(.refused(ticket: 1, lines: [line])), to: &state)
    #expect(state.dialog == .message(title: "Cancel of ldom01 refused", lines: [line]))
  }

  @Test func faultMenuAimsAtTheLinkOrOneMigration() throws {
    let datacenter = try AppFixtures.datacenter()
    _ = try datacenter.startMigration(AppFixtures.rename)
    _ = try datacenter.startMigration(MigrationHarness.request("ldom02"))
    var state = AppFixtures.state(datacenter)
    AppFixtures.send(.key(.character("f")), to: &state)
    guard case .faultMenu(let menu) = state.dialog else {
      Issue.record("no fault menu")
      return
    }
    #expect(menu.aims == [.link, .migration(domain: "ldom01"), .migration(domain: "ldom02")])
    #expect(ConsoleApp.view(state).rendered().contains("‹ the link (every migration) ›"))
    AppFixtures.send(.key(.character("a")), to: &state)
    AppFixtures.send(.key(.character("a")), to: &state)
    #expect(ConsoleApp.view(state).rendered().contains("‹ the migration of ldom02 ›"))
    AppFixtures.send(.key(.character("A")), to: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    #expect(commands == [.engine(.fault(.linkDown, .migration(domain: "ldom01"), .now, ticket: 1))])
    // Aimed at one migration, the link fault ends that one only.
    var engine = EngineState(datacenter: datacenter)
    for case .engine(let command) in commands { _ = engine.handle(command) }
    // The source notices the closed connection when it next reads from it.
    datacenter.advance(
      until: { datacenter.migration(MigrationID(1))?.isFinished == true }, limit: 5)
    #expect(datacenter.migration(MigrationID(1))?.outcome?.failure != nil)
    #expect(datacenter.migration(MigrationID(2))?.isFinished == false)
  }

  @Test func faultMenuPicksAFaultAndWhenItFires() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character("f")), to: &state)
    AppFixtures.send(.key(.down), to: &state)
    AppFixtures.send(.key(.character("j")), to: &state)
    AppFixtures.send(.key(.character("k")), to: &state)
    AppFixtures.send(.key(.right), to: &state)
    AppFixtures.send(.key(.right), to: &state)
    AppFixtures.send(.key(.right), to: &state)
    AppFixtures.send(.key(.left), to: &state)
    #expect(state.dialog == .faultMenu(FaultMenu(selected: 1, triggerIndex: 2)))
    #expect(ConsoleApp.view(state).rendered().contains("‹ after phase 2 (Target created) ›"))
    let commands = AppFixtures.send(.key(.enter), to: &state)
    #expect(
      commands == [
        .engine(.fault(.targetOutOfMemory, .link, .afterPhase(.targetCreation), ticket: 1))
      ])
    #expect(state.dialog == nil)
    AppFixtures.send(
      .report(.faultInjected(ticket: 1, description: "target-oom after phase 2")), to: &state)
    // The engine's own fault-armed event tells the log, in its place among the others.
    #expect(!state.log.contains { $0.message.hasPrefix("fault armed") })
    // Wrapping around both lists.
    AppFixtures.send(.key(.character("f")), to: &state)
    AppFixtures.send(.key(.up), to: &state)
    AppFixtures.send(.key(.left), to: &state)
    #expect(
      state.dialog
        == .faultMenu(
          FaultMenu(
            selected: FaultMenu.choices.count - 1, triggerIndex: FaultMenu.triggers.count - 1)))
  }

  @Test func helpScrollsAndCloses() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character("?")), to: &state)
    AppFixtures.send(.key(.down), to: &state)
    AppFixtures.send(.key(.character("j")), to: &state)
    #expect(state.dialog == .help(offset: 2))
    AppFixtures.send(.key(.character("k")), to: &state)
    AppFixtures.send(.key(.pageDown), to: &state)
    #expect(state.dialog == .help(offset: 1 + 18))
    AppFixtures.send(.key(.pageUp), to: &state)
    AppFixtures.send(.key(.up), to: &state)
    #expect(state.dialog == .help(offset: 0))
    AppFixtures.send(.key(.character("?")), to: &state)
    #expect(state.dialog == nil)
  }

  @Test func helpListsEveryFooterKey() throws {
    let text = KeyHelp.lines(keyWidth: 20, glyphs: .unicode).map(\.plainText).joined(
      separator: "\n")
    for hint in KeyHelp.footer(for: nil, migrations: 2) {
      for key in hint.item.key.split(separator: " ").flatMap({ $0.split(separator: "/") }) {
        #expect(text.contains(key), "\(key)")
      }
    }
  }

  @Test func promptEditsRunsAndRemembersLines() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("list", into: &state)
    var commands = AppFixtures.send(.key(.enter), to: &state)
    #expect(commands == [.engine(.ldm(line: "ldm list", host: "sparc-t4-a", ticket: 1))])
    // The prompt closes; until the answer comes, the status line says what runs.
    #expect(state.dialog == nil)
    #expect(footer(state).contains("sparc-t4-a# ldm list…"))

    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.send(.key(.ctrl("u")), to: &state)
    AppFixtures.type("ldm ls-services", into: &state)
    AppFixtures.send(.key(.enter), to: &state)
    AppFixtures.send(.key(.escape), to: &state)
    #expect(state.commandHistory == ["ldm list", "ldm ls-services"])

    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("x", into: &state)
    AppFixtures.send(.key(.up), to: &state)
    #expect(promptText(state) == "ldm ls-services")
    AppFixtures.send(.key(.up), to: &state)
    AppFixtures.send(.key(.up), to: &state)
    #expect(promptText(state) == "ldm list")
    AppFixtures.send(.key(.down), to: &state)
    #expect(promptText(state) == "ldm ls-services")
    AppFixtures.send(.key(.down), to: &state)
    #expect(promptText(state) == "ldm x")
    AppFixtures.send(.key(.ctrl("u")), to: &state)
    commands = AppFixtures.send(.key(.enter), to: &state)
    #expect(commands.isEmpty)
    #expect(state.dialog == nil)
  }

  @Test func aWholeCommandTypedAfterThePrefilledLdmIsThatCommand() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    var lines: [String] = []
    for typed in ["ldm list -o status", "psrinfo -pv", "  ldm  ", "ldmlist", "list ldm"] {
      AppFixtures.send(.key(.character(":")), to: &state)
      AppFixtures.type(typed, into: &state)
      for command in AppFixtures.send(.key(.enter), to: &state) {
        if case .engine(.ldm(let line, _, _, _, _)) = command { lines.append(line) }
      }
      state.dialog = nil
    }
    #expect(lines == ["ldm list -o status", "psrinfo -pv", "ldm", "ldm ldmlist", "ldm list ldm"])
  }

  private func footer(_ state: ConsoleState) -> String {
    ConsoleApp.view(state).rendered().split(separator: "\n").last.map(String.init) ?? ""
  }

  private func promptText(_ state: ConsoleState) -> String? {
    if case .commandLine(let prompt)? = state.dialog { return prompt.input.value }
    return nil
  }

  @Test func outputPaneFillsScrollsAndOpensAnotherPrompt() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.send(.key(.enter), to: &state)
    let output = (1...60).map { "line \($0)" }.joined(separator: "\n") + "\n"
    AppFixtures.send(.report(.commandFinished(ticket: 1, output: output, status: 0)), to: &state)
    guard case .commandOutput(let pane)? = state.dialog else {
      Issue.record("no pane")
      return
    }
    #expect(pane.lines.count == 60)
    #expect(pane.status == 0)
    // At 80×24 the pane has the log's five rows: a page is four, keeping one line in view.
    AppFixtures.send(.key(.pageDown), to: &state)
    AppFixtures.send(.key(.down), to: &state)
    #expect(offset(state) == 4 + 1)
    AppFixtures.send(.key(.up), to: &state)
    AppFixtures.send(.key(.pageUp), to: &state)
    #expect(offset(state) == 0)
    AppFixtures.send(.key(.up), to: &state)
    #expect(offset(state) == 0)
    AppFixtures.send(.key(.end), to: &state)
    #expect(offset(state) == 60 - 5)
    #expect(ConsoleApp.view(state).rendered().contains("line 60"))
    AppFixtures.send(.key(.home), to: &state)
    #expect(offset(state) == 0)
    AppFixtures.send(.key(.character(":")), to: &state)
    #expect(state.dialog == .commandLine(CommandPrompt(host: "sparc-t4-a")))
  }

  private func offset(_ state: ConsoleState) -> Int? {
    if case .commandOutput(let pane)? = state.dialog { return pane.offset }
    return nil
  }

  @Test func aOneLineAnswerGoesToTheStatusLineAndTheLog() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("bogus", into: &state)
    AppFixtures.send(.key(.enter), to: &state)
    AppFixtures.send(
      .report(.commandFinished(ticket: 1, output: "Unknown command: ldm bogus\n", status: 1)),
      to: &state)
    #expect(state.dialog == nil)
    #expect(state.statusMessage == StatusMessage("Unknown command: ldm bogus", role: .logError))
    #expect(footer(state).hasPrefix(" Unknown command: ldm bogus "))
    #expect(
      state.log.suffix(2).map(\.message) == [
        "sparc-t4-a# ldm bogus: exit status 1", "  Unknown command: ldm bogus",
      ])
    #expect(state.pending.isEmpty)
    // It stays until the next key, which then does what it always does.
    AppFixtures.send(.key(.down), to: &state)
    #expect(state.statusMessage == nil)
    #expect(state.selectedDomain?.name == "ldom01")
    #expect(footer(state).hasPrefix(" m migrate"))
  }

  @Test func aLongAnswerWhileAnotherDialogIsOpenGoesToTheLog() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("list-services", into: &state)
    AppFixtures.send(.key(.enter), to: &state)
    AppFixtures.send(.key(.character("?")), to: &state)
    AppFixtures.send(
      .report(.commandFinished(ticket: 1, output: "VCC\nVSW\nVDS\n", status: 0)), to: &state)
    #expect(state.dialog == .help(offset: 0))
    #expect(
      state.log.suffix(4).map(\.message) == [
        "sparc-t4-a# ldm list-services: done", "  VCC", "  VSW", "  VDS",
      ])
    #expect(state.statusMessage?.text.hasSuffix("output in the log") == true)
  }

  @Test func quitConfirmationQuitsOnYesOnly() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    AppFixtures.send(.key(.character("q")), to: &state)
    #expect(AppFixtures.send(.key(.character("n")), to: &state).isEmpty)
    #expect(state.dialog == nil)
    AppFixtures.send(.key(.character("q")), to: &state)
    #expect(AppFixtures.send(.key(.character("y")), to: &state) == [.quit])
  }

  @Test func messagesCloseOnEnterAndIgnoreOtherKeys() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    state.dialog = .message(title: "Cancel", lines: ["No domain is selected."])
    #expect(AppFixtures.send(.key(.character("m")), to: &state).isEmpty)
    #expect(state.dialog != nil)
    AppFixtures.send(.key(.enter), to: &state)
    #expect(state.dialog == nil)
  }

  @Test func presenterPauseSelectsTheMigrationAndSaysSo() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.report(.pausedAtPhase(MigrationID(3), .suspension)), to: &state)
    #expect(state.selectedMigration == MigrationID(3))
    #expect(state.log.last?.message.hasPrefix("paused at phase 4 Suspend") == true)
  }
}
