import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// The console's face: whole screens compared with golden text files, at the smallest
/// supported size and at a large one.
@Suite("Console screens (golden)")
struct AppGoldenTests {
  static let sizes = [(80, 24), (200, 60)]

  private func check(_ state: ConsoleState, _ name: String) {
    for (width, height) in Self.sizes {
      var sized = state
      sized.width = width
      sized.height = height
      expectGolden(ConsoleApp.view(sized), "\(name)-\(width)x\(height).txt")
    }
  }

  @Test func idle() throws {
    check(AppFixtures.state(try AppFixtures.datacenter()), "idle")
  }

  @Test func midTransferShowsBothSidesFlagsAndBars() throws {
    let datacenter = try AppFixtures.migrating(
      until: { $0.phase == .stateTransfer && $0.statistics.progress > 0.6 }, populateMemory: true)
    var state = AppFixtures.state(datacenter)
    AppFixtures.select("ldom01", in: &state)
    let screen = ConsoleApp.view(state).rendered()
    #expect(screen.contains("-n---s"))
    #expect(screen.contains("-----t"))
    check(state, "mid-transfer")
  }

  @Test func suspended() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .suspension })
    let state = AppFixtures.state(datacenter)
    #expect(ConsoleApp.view(state).rendered().contains("suspended"))
    check(state, "suspended")
  }

  @Test func completedWithRename() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.isFinished })
    var state = AppFixtures.state(datacenter)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.select("ldom_other", in: &state)
    check(state, "completed-rename")
  }

  @Test func cancelled() throws {
    let datacenter = try AppFixtures.migrating(until: {
      $0.phase == .stateTransfer && $0.statistics.progress > 0.3
    })
    try datacenter.cancelMigration(of: "ldom01", on: "sparc-t4-a")
    datacenter.advance(by: 0.1)
    check(AppFixtures.state(datacenter), "cancelled")
  }

  @Test func refusedMigrationInTheForm() throws {
    let datacenter = try AppFixtures.datacenter()
    var state = AppFixtures.state(datacenter)
    AppFixtures.select("ldom03", in: &state)
    AppFixtures.send(.key(.character("m")), to: &state)
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.type("secret", into: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    guard case .engine(.migrate(let request, let ticket))? = commands.first else {
      Issue.record("no migrate command: \(commands)")
      return
    }
    // What the engine thread answers: every failing pre-check, then ldm's last line.
    let failures = try MigrationHarness.dryRun(datacenter, request).flatMap(\.lines)
    #expect(!failures.isEmpty)
    let lines = failures + ["Domain Migration of LDom ldom03 failed"]
    AppFixtures.send(.report(.refused(ticket: ticket, lines: lines)), to: &state)
    let screen = ConsoleApp.view(state).rendered()
    #expect(screen.contains("vol03@primary-vds0"))
    #expect(!screen.contains("secret"))
    check(state, "refused-ldom03")
  }

  @Test func help() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    AppFixtures.send(.key(.character("?")), to: &state)
    check(state, "help")
  }

  @Test func commandPaneWithOutput() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    var state = AppFixtures.state(datacenter)
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("list", into: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    guard case .engine(.ldm(let line, let host, let ticket, _, _))? = commands.first else {
      Issue.record("no ldm command: \(commands)")
      return
    }
    let result = LdmShell(datacenter: datacenter).run(line, on: host)
    AppFixtures.send(
      .report(
        .commandFinished(ticket: ticket, output: result.output.text, status: result.output.status)),
      to: &state)
    check(state, "command-pane")
  }

  @Test func tooSmall() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    for (width, height) in [(79, 24), (80, 23), (40, 10)] {
      state.width = width
      state.height = height
      expectGolden(ConsoleApp.view(state), "too-small-\(width)x\(height).txt")
    }
  }

  @Test func asciiGlyphs() throws {
    let datacenter = try AppFixtures.migrating(until: {
      $0.phase == .stateTransfer && $0.statistics.pass >= 1
    })
    var state = AppFixtures.state(datacenter)
    state.glyphs = .ascii
    let screen = ConsoleApp.view(state).rendered()
    #expect(screen.unicodeScalars.allSatisfy { $0.isASCII || $0 == "×" || $0 == "λ" })
    expectGolden(ConsoleApp.view(state), "ascii-mid-transfer-80x24.txt")
  }
}
