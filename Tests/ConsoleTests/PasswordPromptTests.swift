import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// `ldm migrate` typed at `:` without `-p` asks `Target Password:`, as ldm does at a terminal,
/// and the password goes with the line to the engine and nowhere else.
@Suite("Console: Target Password: at the command line")
struct PasswordPromptTests {
  /// The lines of the seed and its variants, as typed after the prefilled `ldm `.
  static let asking = [
    "migrate ldom01 root@sparc-t4-b",
    "migrate ldom01 root@sparc-t4-b:ldom_other",
    "migrate -n ldom01 root@sparc-t4-b",
    "migrate-domain -f ldom01 sparc-t4-b",
  ]

  private func typeAtThePrompt(_ typed: String, _ state: inout ConsoleState) -> [ConsoleCommand] {
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type(typed, into: &state)
    return AppFixtures.send(.key(.enter), to: &state)
  }

  /// Everything the console holds that a person or a file could read.
  private func readable(_ state: ConsoleState) -> [String] {
    var texts = state.log.map(\.text) + state.commandHistory
    if let message = state.statusMessage { texts.append(message.text) }
    for (width, height) in [(80, 24), (200, 60)] {
      var sized = state
      sized.width = width
      sized.height = height
      texts.append(ConsoleApp.view(sized).rendered())
    }
    return texts
  }

  @Test(arguments: asking)
  func aMigrateWithoutAPasswordFileAsksAndSendsTheLineWithThePassword(_ typed: String) throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    #expect(typeAtThePrompt(typed, &state).isEmpty)
    let line = "ldm " + typed
    #expect(state.dialog == .password(PasswordPrompt(host: "sparc-t4-a", line: line)))
    let asked = ConsoleApp.view(state).rendered().split(separator: "\n")
    // The line as typed, then Oracle's prompt under it, where the `:` prompt was.
    #expect(asked[asked.count - 3] == "sparc-t4-a# \(line)")
    #expect(asked[asked.count - 2] == "Target Password:")
    AppFixtures.type("hunter2", into: &state)
    #expect(ConsoleApp.view(state).rendered().contains("Target Password: *******"))
    let commands = AppFixtures.send(.key(.enter), to: &state)
    #expect(
      commands == [
        .engine(.ldm(line: line, host: "sparc-t4-a", ticket: 1, password: "hunter2"))
      ])
    #expect(state.dialog == nil)
    #expect(state.commandHistory == [line])
    for text in readable(state) { #expect(!text.contains("hunter2")) }
  }

  @Test func linesThatNeedNoPasswordRunAtOnce() throws {
    for typed in [
      "migrate -p root.pw ldom01 root@sparc-t4-b", "list", "migrate ldom01",
      "migrate -n ldom01 sparc-t4-b | grep x | sort", "psrinfo -pv",
    ] {
      var state = AppFixtures.state(try AppFixtures.datacenter())
      let commands = typeAtThePrompt(typed, &state)
      let line = typed.hasPrefix("psrinfo") ? typed : "ldm " + typed
      #expect(
        commands == [.engine(.ldm(line: line, host: "sparc-t4-a", ticket: 1))], "\(typed)")
    }
  }

  @Test func escapeAtThePasswordPromptRunsNothing() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    _ = typeAtThePrompt(Self.asking[0], &state)
    AppFixtures.type("hunter2", into: &state)
    #expect(AppFixtures.send(.key(.escape), to: &state).isEmpty)
    #expect(state.dialog == nil)
    #expect(state.pending.isEmpty)
    for text in readable(state) { #expect(!text.contains("hunter2")) }
  }

  /// Runs the console's engine commands on `engine` and feeds the reports back; with
  /// `untilIdle`, lets simulated time pass until no migration runs, feeding what comes.
  private func deliver(
    _ commands: [ConsoleCommand], to engine: inout EngineState, _ state: inout ConsoleState,
    untilIdle: Bool = false
  ) {
    for case .engine(let command) in commands {
      for report in engine.handle(command) { AppFixtures.send(.report(report), to: &state) }
    }
    for _ in 0..<600 where untilIdle && !engine.datacenter.isIdle {
      for report in engine.advance(wallSeconds: 0.1) {
        AppFixtures.send(.report(report), to: &state)
      }
    }
    AppFixtures.send(.snapshot(engine.snapshot()), to: &state)
  }

  @Test func theRightPasswordStartsTheMigrationAndTheStatusLineSaysSo() throws {
    let datacenter = try AppFixtures.datacenter()
    var engine = EngineState(datacenter: datacenter)
    var state = AppFixtures.state(datacenter)
    _ = typeAtThePrompt("migrate ldom01 root@sparc-t4-b:ldom_other", &state)
    AppFixtures.type("secret", into: &state)
    deliver(AppFixtures.send(.key(.enter), to: &state), to: &engine, &state)
    let started = "Migration #1 started; it runs in the background"
    #expect(state.statusMessage == StatusMessage(started))
    #expect(state.dialog == nil)
    let migration = try #require(datacenter.running.first)
    #expect(migration.domainName == "ldom01")
    #expect(migration.snapshot().targetName == "ldom_other")
    let footer = ConsoleApp.view(state).rendered().split(separator: "\n").last ?? ""
    #expect(footer.hasPrefix(" \(started) "))
    for text in readable(state) { #expect(!text.contains("secret")) }
  }

  @Test func aWrongPasswordIsLdmsTwoLinesInThePane() throws {
    let datacenter = try AppFixtures.datacenter()
    var engine = EngineState(datacenter: datacenter)
    var state = AppFixtures.state(datacenter)
    _ = typeAtThePrompt("migrate ldom01 root@sparc-t4-b", &state)
    AppFixtures.type("hunter2", into: &state)
    // The password is checked on the target, in phase 1: ldm's answer comes when it fails.
    deliver(AppFixtures.send(.key(.enter), to: &state), to: &engine, &state, untilIdle: true)
    guard case .commandOutput(let pane)? = state.dialog else {
      Issue.record("no output pane: \(String(describing: state.dialog))")
      return
    }
    #expect(
      pane.lines == [
        "Authentication to sparc-t4-b as root failed", "Domain Migration of LDom ldom01 failed",
      ])
    #expect(pane.status == 1)
    #expect(datacenter.running.isEmpty)
    for text in readable(state) { #expect(!text.contains("hunter2")) }
  }

  @Test func aDryRunAsksTooAndAPassingOneSaysDone() throws {
    let datacenter = try AppFixtures.datacenter()
    var engine = EngineState(datacenter: datacenter)
    var state = AppFixtures.state(datacenter)
    _ = typeAtThePrompt("migrate -n ldom01 root@sparc-t4-b", &state)
    AppFixtures.type("secret", into: &state)
    // The dry run is a conversation with the target: its answer comes a moment later.
    deliver(AppFixtures.send(.key(.enter), to: &state), to: &engine, &state, untilIdle: true)
    #expect(state.statusMessage == StatusMessage("ldm migrate -n ldom01 root@sparc-t4-b: done"))
    #expect(datacenter.running.isEmpty)
  }
}
