import Engine
import Migration

extension ConsoleApp {
  /// Draws the whole screen for `state` at its size: the two host boxes side by side, the
  /// migration panel and log under them, the footer, and the open dialog on top. Below
  /// 80×24 the screen is a centred "terminal too small" notice instead.
  public static func view(_ state: ConsoleState) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: state.width, height: state.height)
    draw(state, into: &buffer)
    return buffer
  }

  /// One full frame as the terminal would get it: the view, and the changes against
  /// `previous` (every cell when there is none). For `ldm-console bench --ui`.
  public static func frame(_ state: ConsoleState, previous: ScreenBuffer?)
    -> (buffer: ScreenBuffer, changes: [CellRun])
  {
    let buffer = view(state)
    return (buffer, buffer.changes(from: previous))
  }

  static func draw(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
    guard state.width >= ConsoleState.minimumWidth, state.height >= ConsoleState.minimumHeight
    else {
      TooSmallNotice(width: state.width, height: state.height).draw(into: &buffer)
      return
    }
    let glyphs = state.glyphs
    let (body, footerRow) = buffer.bounds.splitBottom(1)
    let layout = Layout(state: state, body: body)

    let nameWidth = [HostSide.source, .target].flatMap { state.host($0)?.domains ?? [] }
      .reduce(0) { max($0, DisplayWidth.of($1.name)) }
    for side in [HostSide.source, .target] {
      let rect = side == .source ? layout.sourceBox : layout.targetBox
      guard let host = state.host(side) else {
        Box(title: "no second host in this scenario", glyphs: glyphs).draw(into: &buffer, in: rect)
        continue
      }
      HostTablePane(
        host: host, datacenter: state.datacenter, selection: state.selection(side),
        isFocused: state.focus == side, nameWidth: nameWidth, glyphs: glyphs,
        unreachable: state.live.unreachable[host.name]
      ).draw(into: &buffer, in: rect)
    }

    let migrations = state.datacenter.migrations
    let shown = state.shownMigration
    let position = shown.flatMap { shown in
      migrations.firstIndex { $0.id == shown.id }.map { (index: $0, count: migrations.count) }
    }
    // The target's half of the same migration knows what decompressing cost there.
    let decompression = shown.flatMap { shown in
      state.datacenter.incoming.first { $0.id == shown.id }?.decompression
    }
    let panel = MigrationPanel(
      migration: shown, position: position, glyphs: glyphs, decompression: decompression)
    let box = Box(title: panel.title, glyphs: glyphs)
    let inner = box.draw(into: &buffer, in: layout.lowerBox)
    let (panelRect, rest) = inner.splitTop(layout.panelRows)
    panel.draw(into: &buffer, in: panelRect)
    var sideways = false
    if case .commandOutput(let output) = state.dialog {
      // In the log's place, so the tables and the migration panel stay in view.
      let pane = CommandOutputPane(output: output, glyphs: glyphs)
      sideways = pane.isWide(in: layout.logArea)
      box.drawDivider(into: &buffer, row: rest.y, in: layout.lowerBox)
      pane.draw(into: &buffer, in: layout.logArea, dividerRow: rest.y)
    } else {
      let logPane = LogPane(entries: state.log, scrollBack: state.logScrollBack, glyphs: glyphs)
      box.drawDivider(into: &buffer, row: rest.y, in: layout.lowerBox, title: logPane.title)
      logPane.draw(into: &buffer, in: layout.logArea)
    }

    var hints = KeyHelp.footer(
      for: state.dialog, migrations: migrations.count, isPaused: state.live.isPaused,
      sideways: sideways, wallClock: state.live.clock == .wallClock)
    // The tour's banner says what space and n do while it runs.
    if demoHasKeys(state) { hints.removeAll { ["space", "n"].contains($0.item.key.lowercased()) } }
    StatusFooter(hints: hints, live: state.live, glyphs: glyphs, message: state.statusMessage)
      .draw(into: &buffer, in: footerRow)
    var dialogArea = body
    if let demo = state.demo, !isShowingOutput(state) {
      // Over the log, below the migration panel; dialogs open above it. An output pane the
      // viewer opened takes the log's place instead, until it is closed.
      let banner = body.inset(top: rest.y - body.y)
      let migration = demo.migration.flatMap { id in
        state.datacenter.migrations.first { $0.id == id }
      }
      let above = DemoBanner(demo: demo, glyphs: glyphs, migration: migration)
        .draw(into: &buffer, in: banner)
      dialogArea = body.inset(bottom: body.maxY - above.maxY)
    }
    drawDialog(state, into: &buffer, in: dialogArea)
  }

  static func isShowingOutput(_ state: ConsoleState) -> Bool {
    if case .commandOutput = state.dialog { return true }
    return false
  }

  /// Rows and columns of output the pane shows on `state`'s screen, for scrolling.
  static func commandPaneViewport(_ state: ConsoleState, _ output: CommandRun) -> (
    rows: Int, columns: Int
  ) {
    let body = Rect(x: 0, y: 0, width: state.width, height: max(0, state.height - 1))
    let area = Layout(state: state, body: body).logArea
    return CommandOutputPane(output: output, glyphs: state.glyphs).viewport(in: area)
  }

  static func drawDialog(_ state: ConsoleState, into buffer: inout ScreenBuffer, in body: Rect) {
    guard let dialog = state.dialog else { return }
    let glyphs = state.glyphs
    switch dialog {
    case .migrate(let form):
      MigrateFormPane(form: form, glyphs: glyphs).draw(into: &buffer, in: body)
    case .cancelConfirm(let domain, let host):
      MessagePane(
        title: "Cancel migration",
        lines: [
          TextLine([Span("Cancel migration of \(domain)? ", .dialog), Span("(y/n)", .footerKey)]),
          TextLine("ldm cancel-operation migration \(domain), on \(host)", .textDim),
        ], glyphs: glyphs
      ).draw(into: &buffer, in: body)
    case .quitConfirm:
      MessagePane(
        title: "Quit",
        lines: [
          TextLine([
            Span("A migration is under way. Quit anyway? ", .dialog), Span("(y/n)", .footerKey),
          ]),
          TextLine("The simulation ends with the console.", .textDim),
        ], glyphs: glyphs
      ).draw(into: &buffer, in: body)
    case .message(let title, let lines):
      MessagePane(title: title, lines: lines.map { TextLine($0, .dialog) }, glyphs: glyphs)
        .draw(into: &buffer, in: body)
    case .faultMenu(let menu):
      FaultMenuPane(menu: menu, armed: state.datacenter.armedFaults, glyphs: glyphs)
        .draw(into: &buffer, in: body)
    case .help(let offset):
      HelpPane(offset: offset, glyphs: glyphs).draw(into: &buffer, in: body)
    case .commandLine(let prompt):
      CommandPromptPane(prompt: prompt).draw(into: &buffer, in: body.row(body.height - 1))
    case .password(let prompt):
      PasswordPromptPane(prompt: prompt).draw(into: &buffer, in: body.inset(top: body.height - 2))
    case .commandOutput:
      break  // drawn in the log's place
    }
  }
}

/// Where the boxes go on a screen of at least 80×24.
struct Layout {
  var sourceBox: Rect
  var targetBox: Rect
  /// The migration panel and the log, in one box divided by the log's title.
  var lowerBox: Rect
  /// Rows of the migration panel inside the lower box.
  var panelRows: Int

  /// Rows the log gets at the least.
  static let minimumLogRows = 3

  /// The log's rows inside the lower box, under the panel and the divider; the output pane
  /// of a `:` line takes them while it is open.
  var logArea: Rect {
    lowerBox.inset(by: 1).inset(top: panelRows + 1)
  }

  init(state: ConsoleState, body: Rect) {
    // Compact screens drop the sparklines before they squeeze the log.
    panelRows = body.height >= 30 ? 5 : 4
    let lowerMinimum = 2 + panelRows + 1 + Self.minimumLogRows
    // The host boxes keep a spare row for a progress bar so nothing jumps when one starts.
    let tableRows =
      [HostSide.source, .target].map { side in
        max(
          HostTablePane.contentRows(for: state.host(side), in: state.datacenter),
          1 + (state.host(side)?.domains.count ?? 0) + 1)
      }.max() ?? 1
    let hostHeight = max(3, min(tableRows + 2, body.height - lowerMinimum))
    let (hosts, lower) = body.splitTop(hostHeight)
    let halves = hosts.splitHorizontally()
    sourceBox = halves.left
    targetBox = halves.right
    lowerBox = lower
  }
}
