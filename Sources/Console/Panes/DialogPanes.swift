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
    let height = choices.count + 6 + (armed.isEmpty ? 0 : 1)
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
    if !armed.isEmpty {
      TextLine("Armed: " + armed.joined(separator: ", "), .textDim)
        .draw(into: &buffer, in: inner.row(choices.count + 2), ellipsis: glyphs.ellipsis)
    }
  }
}

/// The help screen: every key, scrollable.
struct HelpPane {
  var offset: Int
  var glyphs: GlyphSet

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let lines = KeyHelp.lines(keyWidth: 19, glyphs: glyphs)
    let dialog = Dialog(
      title: "Keys", width: min(area.width - 2, 96), height: min(area.height - 2, lines.count + 2),
      glyphs: glyphs)
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

/// The output of an ldm command line, in a large scrollable dialog.
struct CommandOutputPane {
  var output: CommandRun
  var glyphs: GlyphSet

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let dialog = Dialog(
      title: output.title, width: area.width - 2, height: area.height - 2, glyphs: glyphs)
    let inner = dialog.draw(into: &buffer, in: area)
    let (body, statusRow) = inner.splitBottom(1)
    guard let lines = output.lines else {
      TextLine("running\(glyphs.ellipsis)", .textDim).draw(into: &buffer, in: body)
      return
    }
    ScrollView(
      lines: lines.map { TextLine($0, .text) }, offset: output.offset, showsScrollbar: true,
      ellipsis: glyphs.ellipsis, glyphs: glyphs
    ).draw(into: &buffer, in: body)
    let status = output.status ?? 0
    let shown = min(
      lines.count,
      ScrollView.clampedOffset(
        output.offset, lineCount: lines.count, visibleRows: body.height) + body.height)
    let verdict = status == 0 ? "exit status 0" : "exit status \(status)"
    TextLine([
      Span(verdict, status == 0 ? .logSuccess : .logError),
      Span(" \(glyphs.separator) lines \(shown) of \(lines.count)", .textDim),
    ]).draw(into: &buffer, in: statusRow)
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
