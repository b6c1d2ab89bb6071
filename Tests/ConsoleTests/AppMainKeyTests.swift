import Engine
import Hypervisor
import LdmCommands
import Migration
import Testing

@testable import Console

/// Keys on the main screen: what they change and what they send.
@Suite("Console keys: main screen")
struct AppMainKeyTests {
  private func idle() throws -> ConsoleState {
    AppFixtures.state(try AppFixtures.datacenter())
  }

  @Test func arrowsAndJKMoveTheSelectionWithinTheTable() throws {
    var state = try idle()
    #expect(state.selectedDomain?.name == "primary")
    #expect(AppFixtures.send(.key(.down), to: &state).isEmpty)
    #expect(state.selectedDomain?.name == "ldom01")
    AppFixtures.send(.key(.character("j")), to: &state)
    #expect(state.selectedDomain?.name == "ldom02")
    AppFixtures.send(.key(.character("k")), to: &state)
    AppFixtures.send(.key(.up), to: &state)
    AppFixtures.send(.key(.up), to: &state)
    #expect(state.selectedDomain?.name == "primary")
    AppFixtures.send(.key(.end), to: &state)
    #expect(state.selectedDomain?.name == "ldom06")
    AppFixtures.send(.key(.down), to: &state)
    #expect(state.selectedDomain?.name == "ldom06")
    AppFixtures.send(.key(.home), to: &state)
    #expect(state.selectedDomain?.name == "primary")
  }

  @Test func tabSwitchesTheFocusedHostAndKeepsEachSelection() throws {
    var state = try idle()
    AppFixtures.select("ldom02", in: &state)
    AppFixtures.send(.key(.tab), to: &state)
    #expect(state.focus == .target)
    #expect(state.selectedDomain?.name == "primary")
    AppFixtures.send(.key(.backtab), to: &state)
    #expect(state.focus == .source)
    #expect(state.selectedDomain?.name == "ldom02")
    AppFixtures.send(.key(.right), to: &state)
    #expect(state.focus == .target)
  }

  @Test func selectionFollowsTheDomainAndLandsNearbyWhenItLeaves() throws {
    let datacenter = try AppFixtures.datacenter()
    var state = AppFixtures.state(datacenter)
    AppFixtures.select("ldom01", in: &state)
    _ = try datacenter.startMigration(AppFixtures.rename)
    datacenter.advance(until: { datacenter.running.isEmpty }, limit: 600)
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    #expect(state.sourceSelection == DomainSelection(name: "ldom02", index: 1))
    #expect(state.shownMigration?.outcome == .completed)
  }

  @Test func newMigrationsAreFollowedAndBracketsChooseAmongThem() throws {
    let datacenter = try AppFixtures.datacenter()
    var state = AppFixtures.state(datacenter)
    let first = try datacenter.startMigration(AppFixtures.rename)
    datacenter.advance(by: 0.5)
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    #expect(state.selectedMigration == first)
    let second = try datacenter.startMigration(
      MigrationRequest(
        sourceHost: "sparc-t4-a", domain: "ldom02", targetHost: "sparc-t4-b", password: "secret"))
    datacenter.advance(by: 0.1)
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    // The one being watched is still running: the panel stays on it.
    #expect(state.selectedMigration == first)
    AppFixtures.send(.key(.character("]")), to: &state)
    #expect(state.shownMigration?.id == second)
    AppFixtures.send(.key(.character("]")), to: &state)
    #expect(state.shownMigration?.id == second)
    AppFixtures.send(.key(.character("[")), to: &state)
    #expect(state.shownMigration?.id == first)
    #expect(ConsoleApp.view(state).rendered().contains("(1/2, [ ] to switch)"))
  }

  @Test func mOpensTheFormPrefilledWithTheOtherHostAndTheSameName() throws {
    var state = try idle()
    AppFixtures.select("ldom01", in: &state)
    #expect(AppFixtures.send(.key(.character("m")), to: &state).isEmpty)
    guard case .migrate(let form)? = state.dialog else {
      Issue.record("no form: \(String(describing: state.dialog))")
      return
    }
    #expect(form.target.value == "root@sparc-t4-b:ldom01")
    #expect(form.password.value.isEmpty)
    #expect(form.sourceHost == "sparc-t4-a")
    #expect(form.focus == .target)
  }

  @Test func mOnTheControlDomainSaysWhyNot() throws {
    var state = try idle()
    AppFixtures.send(.key(.character("m")), to: &state)
    #expect(state.dialog == nil)
    #expect(
      state.statusMessage
        == StatusMessage("primary is the control domain and cannot be migrated", role: .logError))
  }

  @Test func cAsksOnTheSourceRefusesOnTheTargetAndExplainsOtherwise() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    var state = AppFixtures.state(datacenter)
    AppFixtures.select("ldom01", in: &state)
    #expect(AppFixtures.send(.key(.character("c")), to: &state).isEmpty)
    #expect(state.dialog == .cancelConfirm(domain: "ldom01", host: "sparc-t4-a"))
    #expect(ConsoleApp.view(state).rendered().contains("Cancel migration of ldom01? (y/n)"))
    AppFixtures.send(.key(.escape), to: &state)

    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.select("ldom_other", in: &state)
    #expect(AppFixtures.send(.key(.character("c")), to: &state).isEmpty)
    #expect(
      state.dialog
        == .message(
          title: "Cancel migration of ldom_other",
          lines: ["Migration of domain ldom_other can only be cancelled from the source machine"]))
    AppFixtures.send(.key(.enter), to: &state)
    #expect(state.dialog == nil)

    AppFixtures.select("primary", in: &state)
    AppFixtures.send(.key(.character("c")), to: &state)
    // One line that fits goes to the status line; the one above was too wide for it.
    #expect(state.dialog == nil)
    #expect(
      state.statusMessage
        == StatusMessage("No migration of domain primary is in progress", role: .logError))
  }

  @Test func colonOpensThePromptOnTheFocusedHost() throws {
    var state = try idle()
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.send(.key(.character(":")), to: &state)
    #expect(state.dialog == .commandLine(CommandPrompt(host: "sparc-t4-b")))
    #expect(ConsoleApp.view(state).rendered().contains("sparc-t4-b# ldm"))
  }

  @Test func tCyclesThemesAndAFailedLoadIsLogged() throws {
    var state = try idle()
    #expect(AppFixtures.send(.key(.character("t")), to: &state) == [.setTheme("mono")])
    #expect(AppFixtures.send(.key(.character("t")), to: &state) == [.setTheme("amber")])
    #expect(AppFixtures.send(.key(.character("t")), to: &state) == [.setTheme("default")])
    AppFixtures.send(.key(.character("t")), to: &state)
    let commands = AppFixtures.send(
      .themeLoadFailed(name: "mono", message: "Themes/mono.yaml:3: unknown role"), to: &state)
    #expect(commands.isEmpty)
    #expect(state.themeName == "mono")
    #expect(state.log.last?.message == "theme mono skipped: Themes/mono.yaml:3: unknown role")
    #expect(state.log.last?.role == .logWarning)
  }

  @Test func plusAndMinusStepTheSpeedWithinItsRange() throws {
    var state = try idle()
    #expect(AppFixtures.send(.key(.character("+")), to: &state) == [.engine(.setSpeed(2))])
    for _ in 0..<5 { AppFixtures.send(.key(.character("+")), to: &state) }
    #expect(state.live.speed == 16)
    #expect(AppFixtures.send(.key(.character("+")), to: &state).isEmpty)
    for _ in 0..<6 { AppFixtures.send(.key(.character("-")), to: &state) }
    #expect(state.live.speed == 0.25)
    #expect(AppFixtures.send(.key(.character("-")), to: &state).isEmpty)
    #expect(ConsoleApp.view(state).rendered().contains("×¼"))
  }

  @Test func spacePausesAndResumesAndNSteps() throws {
    var state = try idle()
    #expect(AppFixtures.send(.key(.character(" ")), to: &state) == [.engine(.setPaused(true))])
    #expect(ConsoleApp.view(state).rendered().contains("paused"))
    #expect(AppFixtures.send(.key(.character(" ")), to: &state) == [.engine(.setPaused(false))])
    #expect(AppFixtures.send(.key(.character("n")), to: &state) == [.engine(.pauseAtNextPhase)])
    #expect(state.live.isStepping)
  }

  @Test func questionMarkOpensHelpAndFOpensTheFaultMenu() throws {
    var state = try idle()
    AppFixtures.send(.key(.character("?")), to: &state)
    #expect(state.dialog == .help(offset: 0))
    AppFixtures.send(.key(.escape), to: &state)
    AppFixtures.send(.key(.character("f")), to: &state)
    #expect(state.dialog == .faultMenu(FaultMenu()))
  }

  @Test func qQuitsAtOnceWhenIdleAndAsksDuringAMigration() throws {
    var state = try idle()
    #expect(AppFixtures.send(.key(.character("q")), to: &state) == [.quit])
    var busy = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    #expect(AppFixtures.send(.key(.character("q")), to: &busy).isEmpty)
    #expect(busy.dialog == .quitConfirm)
  }

  @Test func pageKeysScrollTheLogBackAndForward() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.isFinished }))
    #expect(state.log.count > 10)
    AppFixtures.send(.key(.pageUp), to: &state)
    #expect(state.logScrollBack == 5)
    #expect(ConsoleApp.view(state).rendered().contains("Log (5 lines back"))
    AppFixtures.send(.key(.pageDown), to: &state)
    #expect(state.logScrollBack == 0)
  }

  @Test func snapshotsAppendOnlyNewEventsToTheLog() throws {
    let datacenter = try AppFixtures.datacenter()
    var state = AppFixtures.state(datacenter)
    _ = try datacenter.startMigration(AppFixtures.rename)
    datacenter.advance(by: 0.2)
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    let count = state.log.count
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    #expect(state.log.count == count)
    datacenter.advance(by: 0.3)
    AppFixtures.send(.snapshot(AppFixtures.live(datacenter)), to: &state)
    #expect(state.log.map(\.message) == datacenter.recentEvents.map(\.message))
  }

  @Test func resizeChangesTheSizeAndNoSizeCrashes() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    for (width, height) in [(0, 0), (1, 1), (79, 24), (80, 23), (80, 24), (120, 40), (300, 90)] {
      AppFixtures.send(.resize(width: width, height: height), to: &state)
      #expect(state.width == width && state.height == height)
      let buffer = ConsoleApp.view(state)
      #expect(buffer.width == width && buffer.height == height)
    }
  }
}
