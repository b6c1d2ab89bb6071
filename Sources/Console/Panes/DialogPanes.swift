import Engine
import Migration

/// The small dialogs: a question (cancel, quit) or a message, each a few centred lines.
struct MessagePane {
  var title: String
  var lines: [TextLine]
  var glyphs: GlyphSet

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let widest = lines.reduce(DisplayWidth.of(title) + 2) { max($0, $1.width) }
    let dialog = Dialog(
      title: title, width: min(area.width - 2, max(40, widest + 4)),
      height: min(area.height - 2, lines.count + 4), glyphs: glyphs)
    let inner = dialog.draw(into: &buffer, in: area).inset(top: 1)
    for (index, line) in lines.prefix(inner.height).enumerated() {
      line.draw(into: &buffer, in: inner.row(index), ellipsis: glyphs.ellipsis)
    }
  }
}

/// The `f` menu: the faults, the one selected, and when it fires.
struct FaultMenuPane {
  var menu: FaultMenu
  var armed: [String]
  var glyphs: GlyphSet

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let choices = FaultMenu.choices
    let height = choices.count + 7 + (armed.isEmpty ? 0 : 1)
    let dialog = Dialog(
      title: "Inject a fault", width: min(area.width - 2, 60), height: min(area.height - 2, height),
      glyphs: glyphs)
    let inner = dialog.draw(into: &buffer, in: area).inset(top: 1)
    for (index, choice) in choices.enumerated() where index < inner.height {
      let row = inner.row(index)
      let isSelected = index == menu.selected
      TextLine((isSelected ? glyphs.current + " " : "  ") + choice.title, .dialog)
        .draw(into: &buffer, in: row)
      if isSelected { buffer.restyle(row, style: Style(.selection)) }
    }
    let when = inner.row(choices.count + 1)
    TextLine([
      Span("When: ", .dialog),
      Span(glyphs.spell("‹ \(FaultMenu.title(of: menu.trigger)) ›"), .inputFocus),
    ]).draw(into: &buffer, in: when)
    TextLine([
      Span("At:   ", .dialog),
      Span(
        glyphs.spell("‹ \(FaultMenu.title(of: menu.aim)) ›"),
        menu.aims.count > 1 ? .inputFocus : .textDim),
    ]).draw(into: &buffer, in: inner.row(choices.count + 2), ellipsis: glyphs.ellipsis)
    if !armed.isEmpty {
      TextLine("Armed: " + armed.joined(separator: ", "), .textDim)
        .draw(into: &buffer, in: inner.row(choices.count + 3), ellipsis: glyphs.ellipsis)
    }
  }
}

/// The help screen: every key, scrollable.
struct HelpPane {
  var offset: Int
  var glyphs: GlyphSet

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let width = min(area.width - 2, 96)
    // Inside the border, one column goes to the scroll bar.
    let lines = KeyHelp.lines(keyWidth: 19, width: width - 3, glyphs: glyphs)
    let dialog = Dialog(
      title: "Keys", width: width, height: min(area.height - 2, lines.count + 2), glyphs: glyphs)
    let inner = dialog.draw(into: &buffer, in: area)
    ScrollView(
      lines: lines, offset: offset, showsScrollbar: true, ellipsis: glyphs.ellipsis, glyphs: glyphs
    ).draw(into: &buffer, in: inner)
  }
}

/// The `:` prompt, one line above the footer: `sparc-t4-a# ldm list -o status`.
struct CommandPromptPane {
  var prompt: CommandPrompt

  func draw(into buffer: inout ScreenBuffer, in row: Rect) {
    buffer.fill(row, style: Style(.input))
    TextField(label: prompt.prompt, input: prompt.input, isFocused: true, labelRole: .title)
      .draw(into: &buffer, in: row)
  }
}

/// `Target Password:` under the line it answers, where the `:` prompt was, as a terminal
/// shows ldm asking. The password is drawn as one `*` per character.
struct PasswordPromptPane {
  var prompt: PasswordPrompt

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    guard area.height >= 2 else { return }
    buffer.fill(area.row(0), style: Style(.input))
    buffer.put(
      "\(prompt.host)# \(prompt.line)", x: area.x, y: area.y, style: Style(.input),
      clip: area.row(0))
    let row = area.row(1)
    buffer.fill(row, style: Style(.input))
    TextField(
      label: PasswordPrompt.prompt, input: prompt.input, isMasked: true, isFocused: true,
      labelRole: .title
    ).draw(into: &buffer, in: row)
  }
}

/// The output of an ldm command line in the log's place: its title and position on the
/// divider above, the lines below, scrollable up and down and, for lines wider than the pane,
/// sideways. A line cut at either edge shows an ellipsis there.
struct CommandOutputPane {
  var output: CommandRun
  var glyphs: GlyphSet

  /// Rows and columns of output `area` shows: the last column is the scrollbar's when the
  /// lines do not all fit.
  func viewport(in area: Rect) -> (rows: Int, columns: Int) {
    let scrollbar = output.lines.count > area.height && area.width >= 2 ? 1 : 0
    return (area.height, area.width - scrollbar)
  }

  /// Whether some line is wider than the pane, so that ← and → have something to show.
  func isWide(in area: Rect) -> Bool {
    output.widest > viewport(in: area).columns
  }

  func draw(into buffer: inout ScreenBuffer, in area: Rect, dividerRow: Int) {
    let (rows, columns) = viewport(in: area)
    let lines = output.lines
    let first = ScrollView.clampedOffset(output.offset, lineCount: lines.count, visibleRows: rows)
    let column = min(max(0, output.column), max(0, output.widest - columns))
    let sep = " \(glyphs.separator) "
    var position =
      (output.status == 0 ? "exit status 0" : "exit status \(output.status)") + sep
      + (lines.isEmpty
        ? "no output" : "lines \(first + 1)-\(min(lines.count, first + rows)) of \(lines.count)")
    if output.widest > columns {
      position += sep + "columns \(column + 1)-\(column + columns) of \(output.widest)"
    }
    // The divider spans the box: the title on the left, the position on the right.
    let divider = Rect(x: area.x - 1, y: dividerRow, width: area.width + 2, height: 1)
    let positionText = " \(position) "
    let positionX = divider.maxX - 2 - DisplayWidth.of(positionText)
    let titleRoom = positionX - divider.x - 3
    if titleRoom > 0 {
      let title = " " + TextLayout.truncate(output.title, to: titleRoom, ellipsis: glyphs.ellipsis)
      buffer.put(title + " ", x: divider.x + 1, y: dividerRow, style: Style(.title), clip: divider)
    }
    buffer.put(
      positionText, x: max(divider.x + 1, positionX), y: dividerRow,
      style: Style(output.status == 0 ? .logSuccess : .logError),
      clip: divider.inset(left: 1, right: 1))
    let shown = lines.map { line -> TextLine in
      guard column > 0 else { return TextLine(line, .text) }
      guard DisplayWidth.of(line) > column else { return TextLine("", .text) }
      // Something is hidden on the left: the ellipsis takes the first column.
      let rest = TextLayout.dropColumns(line, column + DisplayWidth.of(glyphs.ellipsis))
      return TextLine([Span(glyphs.ellipsis, .textDim), Span(rest, .text)])
    }
    ScrollView(
      lines: shown, offset: first, showsScrollbar: true, ellipsis: glyphs.ellipsis, glyphs: glyphs
    ).draw(into: &buffer, in: area)
  }
}

/// What a terminal below the minimum size shows instead of the console.
struct TooSmallNotice {
  var width: Int
  var height: Int

  func draw(into buffer: inout ScreenBuffer) {
    let text =
      "terminal too small (need \(ConsoleState.minimumWidth)×\(ConsoleState.minimumHeight),"
      + " have \(width)×\(height))"
    let bounds = buffer.bounds
    guard !bounds.isEmpty else { return }
    // Wrapped at spaces so that a narrow terminal still gets the whole sentence.
    var lines: [String] = []
    for word in text.split(separator: " ") {
      if let last = lines.last, DisplayWidth.of(last) + 1 + DisplayWidth.of(word) <= bounds.width {
        lines[lines.count - 1] = last + " " + word
      } else {
        lines.append(String(word))
      }
    }
    let top = bounds.y + max(0, (bounds.height - lines.count) / 2)
    for (index, line) in lines.enumerated() where top + index < bounds.maxY {
      let lineWidth = min(bounds.width, DisplayWidth.of(line))
      let row = Rect(
        x: bounds.x + (bounds.width - lineWidth) / 2, y: top + index, width: lineWidth, height: 1)
      buffer.put(line, x: row.x, y: row.y, style: Style(.notice), clip: row)
    }
  }
}
