/// Every key of the console, for the footer and the help screen: one list, so that no key
/// can be missing from both.
enum KeyHelp {
  /// A key hint and how much it matters when the footer is short of room (0 = always shown).
  struct Hint {
    var item: Footer.Item
    var rank: Int

    init(_ key: String, _ text: String, rank: Int) {
      item = Footer.Item(key: key, text: text)
      self.rank = rank
    }
  }

  /// The footer's hints while `dialog` is open (nil: the main screen), in display order.
  /// While time is paused, how to resume is always shown; ← → are offered when the output
  /// pane has lines wider than itself (`sideways`).
  static func footer(
    for dialog: ConsoleDialog?, migrations: Int, isPaused: Bool = false, sideways: Bool = false,
    wallClock: Bool = false
  ) -> [Hint] {
    switch dialog {
    case nil:
      var hints = [
        Hint("m", "migrate", rank: 1), Hint("c", "cancel", rank: 2), Hint(":", "ldm", rank: 3),
        Hint("f", "fault", rank: 6), Hint("t", "theme", rank: 9), Hint("+/-", "speed", rank: 7),
        isPaused ? Hint("space", "resume", rank: 0) : Hint("space", "pause", rank: 4),
        Hint("n", "step", rank: 8),
      ]
      // Against daemons time is real: speed, pause, step and injected faults do not apply
      // (their keys say so when pressed).
      if wallClock { hints.removeAll { ["f", "+/-", "space", "n"].contains($0.item.key) } }
      if migrations > 1 { hints.append(Hint("[ ]", "migration", rank: 5)) }
      return hints + [Hint("?", "help", rank: 0), Hint("q", "quit", rank: 0)]
    case .migrate?:
      return [
        Hint("Tab", "next field", rank: 1), Hint("Space", "toggle", rank: 2),
        Hint("Enter", "migrate", rank: 0), Hint("Esc", "close", rank: 0),
      ]
    case .cancelConfirm?, .quitConfirm?:
      return [Hint("y", "yes", rank: 0), Hint("n", "no", rank: 0), Hint("Esc", "close", rank: 0)]
    case .faultMenu?:
      return [
        Hint("↑↓", "fault", rank: 1), Hint("←→", "when", rank: 1), Hint("a", "aim", rank: 2),
        Hint("Enter", "inject", rank: 0),
        Hint("Esc", "close", rank: 0),
      ]
    case .help?:
      return [Hint("↑↓ PgUp PgDn", "scroll", rank: 1), Hint("Esc", "close", rank: 0)]
    case .commandLine?:
      return [
        Hint("Enter", "run", rank: 0), Hint("↑↓", "history", rank: 1),
        Hint("^A ^E ^U ^K ^W", "edit", rank: 2), Hint("Esc", "close", rank: 0),
      ]
    case .password?:
      return [Hint("Enter", "run", rank: 0), Hint("Esc", "cancel", rank: 0)]
    case .commandOutput?:
      return [
        Hint(sideways ? "↑↓←→" : "↑↓", "scroll", rank: 0), Hint("PgUp PgDn", "page", rank: 3),
        Hint("Home End", "top/end", rank: 4), Hint(":", "another command", rank: 2),
        Hint("Esc", "close", rank: 0),
      ]
    case .message?:
      return [Hint("Enter", "close", rank: 0), Hint("Esc", "close", rank: 0)]
    }
  }

  /// The help screen: sections of keys and what they do.
  static let sections: [(title: String, keys: [(String, String)])] = [
    (
      "Main screen",
      [
        ("↑ ↓  j k", "select a domain of the focused host"),
        ("Home End", "first / last domain"),
        ("Tab ← →", "switch between the source and target host"),
        ("[ ]", "previous / next migration in the panel"),
        ("PgUp PgDn", "scroll the log back / forward"),
        ("m", "migrate the selected domain (a form)"),
        ("c", "cancel its migration (asks y/n; source host only)"),
        (":", "ldm command line on the focused host"),
        ("f", "fault menu: link down, target OOM, crash, slow link; at the link or one migration"),
        ("t", "next colour theme"),
        ("+ -", "simulated speed ×¼ … ×16"),
        ("space", "pause / resume simulated time"),
        ("n", "presenter step: run to the next phase, then pause"),
        ("", "with --connect: real time, so no f + - space n"),
        ("?  F1", "this help"),
        ("q", "quit (asks while a migration runs)"),
      ]
    ),
    (
      "Migrate form",
      [
        ("Tab Shift-Tab ↑ ↓", "next / previous field"),
        ("Space", "toggle dry run (-n) or force (-f)"),
        ("Enter", "migrate (or run the pre-checks, with dry run)"),
        ("target", "[user@]host[:name]: edit the name after : to rename"),
      ]
    ),
    (
      "Command line and output",
      [
        ("Enter", "run the line; its output opens in a pane"),
        ("↑ ↓", "history of lines (prompt); scroll (output)"),
        ("^A ^E ^U ^K ^W", "start, end, cut before, cut after, cut word"),
        ("PgUp PgDn Home End", "scroll the output"),
        ("← →", "scroll the output sideways (long lines)"),
        (":", "another command line, from the output pane"),
        ("Target Password:", "asked for ldm migrate without -p, typed masked"),
      ]
    ),
    (
      "Dialogs",
      [
        ("y n", "answer a question"),
        ("← → Enter", "fault menu: when it fires, inject"),
        ("Esc", "close any dialog; nothing else happens"),
      ]
    ),
  ]

  /// The help screen's lines: section titles and `key  what it does`; given a `width`, a
  /// description wider than what is left of it goes on under itself, so none is cut off.
  static func lines(keyWidth: Int, width: Int? = nil, glyphs: GlyphSet) -> [TextLine] {
    var lines: [TextLine] = []
    let indent = 2 + keyWidth
    for section in sections {
      if !lines.isEmpty { lines.append(TextLine([])) }
      lines.append(TextLine(section.title, .title))
      for (key, text) in section.keys {
        let text = glyphs.spell(text)
        let pieces =
          width.map { TextLayout.wrap(text, width: max($0 - indent, 8)) } ?? [text]
        for (index, piece) in pieces.enumerated() {
          let key = index == 0 ? glyphs.spell(key) : ""
          lines.append(
            TextLine([
              Span("  " + TextLayout.pad(key, to: keyWidth), .footerKey), Span(piece, .text),
            ]))
        }
      }
    }
    return lines
  }
}
