import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// Answers that leave the live view visible: one-line answers in the status line, longer
/// output in the log's place, long lines scrolled sideways, refusals said at once, long names
/// shortened, and the way out of a pause always shown.
@Suite("Console: answers that leave the live view visible")
struct LiveViewTests {
  private func rows(_ state: ConsoleState) -> [Substring] {
    ConsoleApp.view(state).rendered().split(separator: "\n", omittingEmptySubsequences: false)
  }

  private func footer(_ state: ConsoleState) -> String {
    rows(state).last.map(String.init) ?? ""
  }

  /// The state with `output` answering a `:` line typed on it.
  private func answered(
    _ typed: String, output: [String], status: Int32 = 0, _ state: inout ConsoleState
  ) {
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type(typed, into: &state)
    let commands = AppFixtures.send(.key(.enter), to: &state)
    guard case .engine(.ldm(_, _, let ticket, _, _))? = commands.first else {
      Issue.record("no ldm command for \(typed): \(commands)")
      return
    }
    let text = output.map { $0 + "\n" }.joined()
    AppFixtures.send(
      .report(.commandFinished(ticket: ticket, output: text, status: status)), to: &state)
  }

  @Test func aOneLineAnswerChangesOnlyTheFooter() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    var state = AppFixtures.state(datacenter)
    let before = rows(state)
    answered("set-vcpu 2 ldom06", output: [], &state)
    let after = rows(state)
    // Tables and panel as they were; the log keeps the answer, to be read again later.
    let divider = try #require(before.firstIndex { $0.hasPrefix("├ Log") })
    let unchanged = after.prefix(divider + 1) == before.prefix(divider + 1)
    #expect(unchanged)
    #expect(after[after.count - 3].contains("sparc-t4-a# ldm set-vcpu 2 ldom06: done"))
    let line = footer(state)
    #expect(line.hasPrefix(" ldm set-vcpu 2 ldom06: done "), "\(line)")
    #expect(line.hasSuffix(String(before.last?.suffix(15) ?? "")), "\(line)")
  }

  @Test func longerOutputTakesTheLogsPlaceAndLeavesTablesAndPanelInView() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    var state = AppFixtures.state(datacenter)
    let before = rows(state)
    let output = LdmShell(datacenter: datacenter).run("ldm list -o status ldom01", on: "sparc-t4-a")
    answered("list -o status ldom01", output: output.output.lines, &state)
    guard case .commandOutput = state.dialog else {
      Issue.record("no pane: \(String(describing: state.dialog))")
      return
    }
    let after = rows(state)
    // The host boxes and the migration panel: every row down to the log's divider.
    let divider = try #require(before.firstIndex { $0.hasPrefix("├ Log") })
    #expect(Array(after.prefix(divider)) == Array(before.prefix(divider)))
    #expect(after[divider].hasPrefix("├ sparc-t4-a# ldm list -o status ldom01 ─"))
    #expect(after[divider].contains("exit status 0 · lines 1-5 of"))
    #expect(after[divider + 1].contains("NAME"))
    AppFixtures.send(.key(.end), to: &state)
    #expect(rows(state).contains { $0.contains("migration") && $0.contains("%") })
    // Escape gives the log back.
    AppFixtures.send(.key(.escape), to: &state)
    #expect(rows(state)[divider].hasPrefix("├ Log"))
  }

  @Test func aLineTooWideForTheStatusLineScrollsSidewaysToItsEnd() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    // The password-file message is 128 columns: once it was cut mid-word at 80.
    let message = LdmShell.noTerminalMessage
    answered(
      "migrate -p none.pw ldom01 sparc-t4-b", output: [message, "Domain Migration failed"],
      status: 1, &state)
    guard case .commandOutput = state.dialog else {
      Issue.record("no pane: \(String(describing: state.dialog))")
      return
    }
    #expect(footer(state).hasPrefix(" ↑↓←→ scroll"))
    let first = rows(state).first { $0.contains("ldm migrate-domain: a password") } ?? ""
    #expect(first.hasSuffix("…│"))
    // Every word of the message is shown whole at some step on the way right, then back.
    let divider = try #require(rows(state).firstIndex { $0.hasPrefix("├ sparc-t4-a# ldm") })
    var seen = Set<Substring>()
    var shownRows: [String] = []
    for _ in 0..<40 {
      let row = String(rows(state)[divider + 1]).trimmingCharacters(in: ["│"])
      shownRows.append(row)
      for word in row.split(separator: " ") { seen.insert(word) }
      AppFixtures.send(.key(.right), to: &state)
    }
    for word in message.split(separator: " ") {
      #expect(seen.contains(word), "\(word) never shown whole")
    }
    #expect(shownRows.last?.hasSuffix("to prompt for the Target Password") == true)
    #expect(shownRows.last?.hasPrefix("…") == true)
    #expect(footer(state).hasPrefix(" ↑↓←→ scroll"))
    for _ in 0..<40 { AppFixtures.send(.key(.left), to: &state) }
    guard case .commandOutput(let pane)? = state.dialog else { return }
    #expect(pane.column == 0)
  }

  @Test func mOnAMigratingDomainSaysSoAtOnceOnEitherSide() throws {
    var state = AppFixtures.state(try AppFixtures.migrating(until: { $0.phase == .stateTransfer }))
    AppFixtures.select("ldom01", in: &state)
    #expect(AppFixtures.send(.key(.character("m")), to: &state).isEmpty)
    #expect(state.dialog == nil)
    #expect(
      state.statusMessage
        == StatusMessage("Domain ldom01 is already being migrated", role: .logError))
    #expect(footer(state).hasPrefix(" Domain ldom01 is already being migrated "))
    AppFixtures.send(.key(.tab), to: &state)
    AppFixtures.select("ldom_other", in: &state)
    AppFixtures.send(.key(.character("m")), to: &state)
    #expect(state.statusMessage?.text == "Domain ldom_other is already being migrated")
    // A domain not migrating still gets the form.
    AppFixtures.send(.key(.backtab), to: &state)
    AppFixtures.select("ldom02", in: &state)
    AppFixtures.send(.key(.character("m")), to: &state)
    guard case .migrate(let form)? = state.dialog else {
      Issue.record("no form for ldom02")
      return
    }
    #expect(form.domain == "ldom02")
  }

  @Test func aLongDomainNameIsShortenedAndEveryRowKeepsConsAndVcpu() throws {
    let long = "ldom01-renamed-for-the-application-tier"
    let datacenter = try AppFixtures.datacenter()
    let id = try datacenter.startMigration(
      MigrationRequest(
        sourceHost: "sparc-t4-a", domain: "ldom01", targetHost: "sparc-t4-b", password: "secret",
        targetName: long))
    datacenter.advance(
      until: { datacenter.migration(id)?.phase == .stateTransfer }, limit: 600,
      stoppingAtPhaseChanges: true)
    let state = AppFixtures.state(datacenter)
    let screen = rows(state)
    let tables = screen.prefix { !$0.hasPrefix("└") }
    #expect(tables[1].contains("CONS") && tables[1].contains("VCPU"))
    let named = tables.filter { $0.contains("│ldom") }
    #expect(named.count >= 6)
    for row in named {
      // Each half holds a whole row: a console port and a vCPU count after the flags.
      for half in row.split(separator: "││") where half.contains("ldom") {
        #expect(half.contains(" 500"), "\(half)")
      }
    }
    #expect(tables.contains { $0.contains("││ldom01-ren… bound") })
    expectGolden(ConsoleApp.view(state), "long-name-80x24.txt")
  }

  @Test func theTableLayoutShortensTheNameBeforeDroppingColumns() {
    let narrow = TableColumn.layout(nameWidth: 40, width: 38)
    #expect(narrow.map(\.kind) == [.name, .state, .flags, .console, .vcpu])
    #expect(narrow.first?.width == 11)
    // Short names change nothing.
    #expect(TableColumn.layout(nameWidth: 6, width: 38).first?.width == 6)
    // Too narrow even for a six-column name: columns go from the right, as before.
    let tiny = TableColumn.layout(nameWidth: 40, width: 30)
    #expect(tiny.first?.width == TableColumn.shortestName)
    #expect(!tiny.contains { $0.kind == .vcpu })
    // Wide boxes show the whole name and every column.
    let wide = TableColumn.layout(nameWidth: 40, width: 120)
    #expect(wide.count == TableColumn.Kind.allCases.count)
    #expect(wide.first?.width == 40)
  }

  @Test(arguments: [(80, 24), (120, 36), (200, 60)])
  func whilePausedTheFooterSaysHowToResume(_ size: (Int, Int)) throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    _ = try datacenter.startMigration(
      MigrationRequest(
        sourceHost: "sparc-t4-a", domain: "ldom02", targetHost: "sparc-t4-b", password: "secret"))
    var state = AppFixtures.state(datacenter, width: size.0, height: size.1)
    AppFixtures.send(.key(.character("+")), to: &state)
    AppFixtures.send(.key(.character("n")), to: &state)
    AppFixtures.send(.key(.character(" ")), to: &state)
    #expect(state.live.isPaused)
    #expect(footer(state).contains("paused"))
    #expect(footer(state).contains("space resume"))
    AppFixtures.send(.key(.character(" ")), to: &state)
    #expect(!footer(state).contains("space resume"))
  }

  @Test func aBackgroundMigrationThatFailsLaterSaysSo() throws {
    let datacenter = try AppFixtures.datacenter()
    var engine = EngineState(datacenter: datacenter)
    var state = AppFixtures.state(datacenter)
    AppFixtures.send(.key(.character(":")), to: &state)
    AppFixtures.type("migrate ldom01 root@sparc-t4-b", into: &state)
    AppFixtures.send(.key(.enter), to: &state)
    AppFixtures.type("secret", into: &state)
    for case .engine(let command) in AppFixtures.send(.key(.enter), to: &state) {
      for report in engine.handle(command) { AppFixtures.send(.report(report), to: &state) }
    }
    #expect(state.statusMessage?.text == "Migration #1 started; it runs in the background")
    _ = engine.handle(.fault(.linkDown, .link, .now, ticket: 50))
    var reports: [EngineReport] = []
    for _ in 0..<200 where reports.isEmpty { reports = engine.advance(wallSeconds: 0.1) }
    for report in reports { AppFixtures.send(.report(report), to: &state) }
    AppFixtures.send(.snapshot(engine.snapshot()), to: &state)
    guard case .commandOutput(let pane)? = state.dialog else {
      Issue.record("no pane for the failure: \(reports)")
      return
    }
    #expect(pane.title == "sparc-t4-a# ldm migrate ldom01 root@sparc-t4-b")
    #expect(pane.lines.last == "Domain Migration of LDom ldom01 failed")
    #expect(state.backgroundCommands.isEmpty)
  }

  @Test func aLongLogLineGoesOnUnderItsMessageInsteadOfBeingCut() {
    let message = LdmShell.noTerminalMessage
    let entries = [
      LogEntry(timestamp: "00:00:01.0", message: "first"),
      LogEntry(timestamp: "00:00:02.0", domain: "ldom01", message: message, role: .logError),
      LogEntry(timestamp: "00:00:03.0", message: "  Authentication to sparc-t4-b as root failed"),
    ]
    var buffer = ScreenBuffer(width: 60, height: 5)
    LogPane(entries: entries, scrollBack: 0, glyphs: .unicode).draw(
      into: &buffer, in: buffer.bounds)
    let rows = buffer.rendered().split(separator: "\n", omittingEmptySubsequences: false)
    #expect(rows[0] == "00:00:01.0 first")
    #expect(rows[1].hasPrefix("00:00:02.0 ldom01 ldm migrate-domain: a password file (-p)"))
    // The continuation starts under the message, and every word is there, none cut.
    #expect(rows[2].hasPrefix(String(repeating: " ", count: 18)))
    let shown = rows[1...3].joined(separator: " ").split(separator: " ")
    #expect(
      Array(shown.drop { $0 != "ldm" }.prefix(message.split(separator: " ").count))
        == message.split(separator: " "))
    #expect(!buffer.rendered().contains("…"))
    // An answer's indentation stays.
    #expect(rows[4] == "00:00:03.0   Authentication to sparc-t4-b as root failed")
    // Scrolled back by one entry: the long one is the newest shown, in full.
    var back = ScreenBuffer(width: 60, height: 3)
    LogPane(entries: entries, scrollBack: 1, glyphs: .unicode).draw(into: &back, in: back.bounds)
    #expect(back.rendered().split(separator: "\n").last?.hasSuffix("the Target Password") == true)
  }

  @Test func wrappingSplitsOnlyWordsLongerThanALine() {
    #expect(TextLayout.wrap("a bb ccc", width: 4) == ["a bb", "ccc"])
    #expect(TextLayout.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    #expect(TextLayout.wrap("ab cd ef", width: 2, continuation: 5) == ["ab", "cd ef"])
    #expect(TextLayout.wrap("漢字漢字", width: 3) == ["漢", "字", "漢", "字"])
    #expect(TextLayout.wrap("x", width: 0).isEmpty)
  }
}
