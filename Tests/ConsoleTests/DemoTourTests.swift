import Engine
import Hypervisor
import LdmCommands
import Migration
import Testing

@testable import Console

/// The console with the guided tour running against a real engine, driven synchronously:
/// every `.engine` command goes to `EngineState.handle`, the clock moves by fixed slices, and
/// the snapshots and reports go back into `update` as the session would send them.
struct DemoDriver {
  var engine: EngineState
  var state: ConsoleState
  var commands: [ConsoleCommand] = []
  /// Wall seconds per engine slice.
  static let slice = 0.1

  init(width: Int = 200, height: Int = 60, script: DemoScript = .tour) throws {
    engine = EngineState(
      datacenter: try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false))
    state = ConsoleState(
      live: engine.snapshot(), width: width, height: height,
      themeNames: ["default", "mono", "amber"])
    run(ConsoleApp.startDemo(script, &state))
  }

  var demo: DemoState? { state.demo }
  var screen: String { ConsoleApp.view(state).rendered() }

  /// Sends `event`, then runs what it asks for.
  mutating func send(_ event: ConsoleEvent) {
    run(ConsoleApp.update(&state, event))
  }

  mutating func press(_ character: Character) {
    send(.key(.character(character)))
  }

  /// The engine handles the commands, then publishes as its thread does after a slice:
  /// the snapshot first, then the reports.
  mutating func run(_ new: [ConsoleCommand]) {
    commands += new
    var reports: [EngineReport] = []
    for case .engine(let command) in new { reports += engine.handle(command) }
    guard !reports.isEmpty || new.contains(where: { if case .engine = $0 { true } else { false } })
    else { return }
    publish(reports)
  }

  mutating func publish(_ reports: [EngineReport]) {
    send(.snapshot(engine.snapshot()))
    for report in reports { send(.report(report)) }
  }

  /// One slice of wall time.
  mutating func tick() {
    publish(engine.advance(wallSeconds: Self.slice))
  }

  /// Ticks until the step's wait is over; false when it never is (bounded, never hangs).
  @discardableResult
  mutating func waitUntilReady(limit: Int = 2000) -> Bool {
    for _ in 0..<limit {
      guard let demo, !demo.isReady else { return true }
      tick()
    }
    return demo?.isReady ?? true
  }

  /// Space, then the wait of the step it leads to.
  mutating func next(sourceLocation: SourceLocation = #_sourceLocation) {
    press(" ")
    #expect(
      waitUntilReady(), "step \(demo?.position ?? "-") never ready",
      sourceLocation: sourceLocation)
  }

  var tourMigration: MigrationSnapshot? {
    state.demo?.migration.flatMap { id in state.datacenter.migrations.first { $0.id == id } }
  }

  func domain(_ name: String, on host: String) -> DomainSnapshot? {
    state.datacenter.host(named: host)?.domain(named: name)
  }

  /// The screen rows that show `name` in a host table.
  func rows(showing name: String) -> [String] {
    screen.split(separator: "\n").map(String.init).filter { $0.contains("│\(name) ") }
  }
}

@Suite("Demo: the guided tour")
struct DemoTourTests {
  @Test func theWholeTour() throws {
    var driver = try DemoDriver()
    #expect(driver.demo?.index == 0)
    #expect(driver.demo?.isReady == true)
    #expect(driver.screen.contains("Live migration of logical domains"))
    #expect(driver.screen.contains("space/n: next · q: leave"))

    // The rename form, filled in: the audience sees the target with the new name.
    driver.next()
    guard case .migrate(let form) = driver.state.dialog else {
      Issue.record("no migrate form: \(String(describing: driver.state.dialog))")
      return
    }
    #expect(form.target.value == "root@sparc-t4-b:ldom_other")
    #expect(form.password.value == "secret")
    #expect(driver.screen.contains("Target Password: ******"))

    // The five phases, in order, each with its caption and the clock stopped.
    var phases: [Phase] = []
    for _ in 0..<5 {
      driver.next()
      let migration = try #require(driver.tourMigration)
      phases.append(migration.phase)
      #expect(driver.state.dialog == nil)
      #expect(driver.engine.isPaused)
      #expect(driver.screen.contains(migration.phase.caption))
      #expect(driver.screen.contains("Phase \(migration.phase.rawValue): "))
    }
    #expect(phases == [.preChecks, .targetCreation, .stateTransfer, .suspension, .handOff])
    #expect(driver.tourMigration?.domain == "ldom01")
    #expect(driver.tourMigration?.targetName == "ldom_other")

    // The migration ends: ldom_other active on the target, ldom01 gone from the source.
    driver.next()
    #expect(driver.tourMigration?.outcome == .completed)
    #expect(driver.domain("ldom_other", on: "sparc-t4-b")?.state == .active)
    #expect(driver.domain("ldom01", on: "sparc-t4-a") == nil)

    // ldom02 held in mid-transfer, with both sides' flags.
    driver.next()
    let transfer = try #require(driver.tourMigration)
    #expect(transfer.domain == "ldom02")
    #expect(transfer.phase == .stateTransfer)
    #expect(transfer.statistics.progress >= 0.3)
    #expect(driver.engine.isPaused)
    #expect(driver.domain("ldom02", on: "sparc-t4-a")?.flags == "-n---s")
    #expect(driver.domain("ldom02", on: "sparc-t4-b")?.flags == "-----t")

    // The cancel: the target's domain is destroyed, the source is back to -n----.
    driver.next()
    #expect(driver.tourMigration?.outcome == .cancelled)
    #expect(driver.domain("ldom02", on: "sparc-t4-b") == nil)
    #expect(driver.domain("ldom02", on: "sparc-t4-a")?.flags == "-n----")
    #expect(driver.domain("ldom02", on: "sparc-t4-a")?.state == .active)
    #expect(driver.rows(showing: "ldom02").count == 1)
    #expect(driver.rows(showing: "ldom02").first?.contains("-n----") == true)

    // ldom03 refused by its pre-checks, with ldm's lines.
    driver.next()
    guard case .message(let title, _) = driver.state.dialog else {
      Issue.record("no refusal for ldom03: \(String(describing: driver.state.dialog))")
      return
    }
    #expect(title == "Migration of ldom03 refused")
    let screen = driver.screen
    #expect(screen.contains("Volume vol03@primary-vds0 is not defined on the target machine"))
    #expect(screen.contains("Domain Migration of LDom ldom03 failed"))
    #expect(driver.engine.datacenter.running.isEmpty)

    // The dry run: every check ✓, nothing moves.
    driver.next()
    guard case .migrate(let dryRun) = driver.state.dialog,
      case .dryRun(let results)? = dryRun.outcome
    else {
      Issue.record("no dry-run answer in the form: \(String(describing: driver.state.dialog))")
      return
    }
    #expect(dryRun.domain == "ldom04")
    #expect(!results.isEmpty)
    #expect(results.allSatisfy { $0.passed })
    let checks = driver.screen.split(separator: "\n").filter { $0.contains("│ ✓ ") }
    #expect(checks.count == results.count)
    #expect(driver.screen.contains("Dry run: the migration would succeed"))
    #expect(driver.engine.datacenter.running.isEmpty)

    // The end: the banner closes and the console is the viewer's.
    driver.next()
    #expect(driver.demo?.isLastStep == true)
    #expect(driver.state.dialog == nil)
    #expect(driver.screen.contains("space/n: close the tour"))
    driver.press("n")
    #expect(driver.demo == nil)
    #expect(!driver.screen.contains("Demo "))
    // Keys are the console's again: space pauses.
    let paused = driver.state.live.isPaused
    driver.press(" ")
    #expect(driver.state.live.isPaused == !paused)
    #expect(!driver.commands.contains(.quit))
  }

  @Test func nextWaitsForTheStepToBeOver() throws {
    var driver = try DemoDriver()
    driver.next()
    driver.next()
    // Phase 1 is shown; the step to phase 2 waits for the engine to stop there.
    driver.press("n")
    #expect(driver.demo?.index == 3)
    #expect(driver.demo?.isReady == false)
    #expect(driver.screen.contains("waiting for phase 2 Target created"))
    let sent = driver.commands.count
    driver.press("n")
    driver.press(" ")
    #expect(driver.demo?.index == 3)
    #expect(driver.commands.count == sent)
    let ready = driver.waitUntilReady()
    #expect(ready)
    #expect(driver.tourMigration?.phase == .targetCreation)
  }

  @Test func qLeavesAtOnceFromAnyStep() throws {
    var driver = try DemoDriver()
    driver.next()
    driver.next()
    // A migration is under way and the tour's form may be open: still no question.
    let commands = ConsoleApp.update(&driver.state, .key(.character("q")))
    #expect(commands == [.quit])
    #expect(driver.state.dialog == nil)
  }

  @Test func otherKeysWorkAsUsual() throws {
    var driver = try DemoDriver()
    // A theme, help: the console's own keys.
    driver.press("t")
    #expect(driver.commands.last == .setTheme("mono"))
    driver.press("?")
    #expect(driver.state.dialog == .help(offset: 0))
    // A dialog the tour did not open has every key: q closes help, space does not go on.
    driver.press(" ")
    #expect(driver.demo?.index == 0)
    driver.press("q")
    #expect(driver.state.dialog == nil)
    #expect(!driver.commands.contains(.quit))
    #expect(driver.demo?.index == 0)
  }

  @Test func aQuestionKeepsItsYesAndNo() throws {
    var driver = try DemoDriver()
    // q from the normal screen would ask; a y/n question opened by the viewer keeps n = no.
    driver.next()
    driver.next()
    driver.send(.key(.character("c")))
    #expect(driver.state.dialog == .cancelConfirm(domain: "ldom01", host: "sparc-t4-a"))
    driver.press("n")
    #expect(driver.state.dialog == nil)
    #expect(driver.demo?.index == 2)
    #expect(driver.tourMigration?.isFinished == false)
  }

  @Test func theFooterLeavesSpaceAndNToTheBanner() throws {
    var driver = try DemoDriver(width: 200, height: 60)
    let footer = { (driver: DemoDriver) in
      driver.screen.split(separator: "\n").last.map(String.init) ?? ""
    }
    #expect(!footer(driver).contains("space pause"))
    #expect(!footer(driver).contains("n step"))
    driver.next()
    #expect(footer(driver).contains("Enter migrate"))
    #expect(!footer(driver).contains("Space toggle"))
  }

  @Test func escapeClosesTheToursFormAndTheTourGoesOn() throws {
    var driver = try DemoDriver()
    driver.next()
    #expect(driver.state.dialog != nil)
    driver.send(.key(.escape))
    #expect(driver.state.dialog == nil)
    // The next step opens the form again and submits it.
    driver.next()
    #expect(driver.tourMigration?.domain == "ldom01")
    #expect(driver.tourMigration?.phase == .preChecks)
  }

  @Test func aTourThatCanNoLongerWaitGoesOn() throws {
    var driver = try DemoDriver()
    driver.next()
    driver.next()
    // The viewer cancels the tour's migration by hand (c, y on the source)…
    #expect(driver.state.focus == .source)
    driver.send(.key(.character("c")))
    #expect(driver.state.dialog == .cancelConfirm(domain: "ldom01", host: "sparc-t4-a"))
    driver.press("y")
    // …then asks for the next phase: the migration ended instead, and the tour goes on.
    driver.press("n")
    let ready = driver.waitUntilReady()
    #expect(ready)
    #expect(driver.tourMigration?.outcome == .cancelled)
  }
}

@Suite("Demo screens (golden)")
struct DemoGoldenTests {
  /// The tour stopped at the start of phase 2: the target domain bound with `-----t`, the
  /// source `-n---s`, the phase's caption in the banner over the log.
  @Test func phaseCaption() throws {
    for (width, height) in [(80, 24), (200, 60)] {
      var driver = try DemoDriver(width: width, height: height)
      for _ in 0..<3 { driver.next() }
      #expect(driver.tourMigration?.phase == .targetCreation)
      let screen = driver.screen
      #expect(screen.contains("-n---s"))
      #expect(screen.contains("-----t"))
      #expect(screen.contains("Target LDOM creation"))
      // The host tables and the migration panel stay in view above the banner.
      #expect(screen.contains("▶2 Target created") || screen.contains("▶ 2 Target created"))
      expectGolden(ConsoleApp.view(driver.state), "demo-phase-\(width)x\(height).txt")
    }
  }
}
