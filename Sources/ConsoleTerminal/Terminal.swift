import CNcursesW
import Console
import Glibc

/// The full-screen terminal, through ncursesw: draws `ScreenBuffer` frames and reads keys.
///
/// Used from one thread. The screen is restored by `restore()`, by `deinit`, and by the
/// signal handlers: after a second SIGINT/SIGTERM/SIGHUP (when the loop does not react to the
/// first) and on a crash (see `SignalTrap`).
public final class Terminal {
  /// Columns and rows of the screen.
  public private(set) var width: Int
  public private(set) var height: Int
  /// What the terminal can show; themes are resolved for it.
  public let colorCapability: ColorCapability
  /// How long `readKey()` waits for a key, in milliseconds. The idle loop sleeps in there.
  public var inputTimeout: Int {
    didSet { wtimeout(window, Int32(inputTimeout)) }
  }

  private let screen: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  private var theme: ResolvedTheme
  private var pairs: ColorPairs
  private var previous: ScreenBuffer?
  private var needsFullRedraw = true
  private var savedHandlers: [Int32: sigaction] = [:]
  /// Standard error while the screen is in use, shown after `restore()`.
  private let capture: StandardErrorCapture?
  private var isOpen = true
  /// Without a UTF-8 locale ncursesw cannot show other characters: they become `?`.
  private let asciiOnly: Bool

  /// Adopts the environment's locale (once is enough; harmless to repeat). Call it before
  /// `isUTF8Locale` and before opening a terminal: ncursesw needs it for wide characters.
  public static func adoptLocale() {
    ldm_setlocale_from_environment()
  }

  /// Whether the locale's codeset is UTF-8 (after `adoptLocale()`): pick `GlyphSet.unicode`
  /// if so, `.ascii` otherwise.
  public static var isUTF8Locale: Bool {
    guard let codeset = ldm_codeset() else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }

  /// Opens the terminal in full-screen mode.
  ///
  /// The colour capability comes from terminfo alone. `COLORTERM=truecolor` is deliberately
  /// not consulted: ncurses can only send the sequences terminfo describes, so a 256-colour
  /// entry stays `.palette256`; truecolour needs a direct-colour entry (`TERM=xterm-direct`).
  ///
  /// - Parameters:
  ///   - term: the `TERM` value (the executable reads the environment, this module does not).
  ///   - capability: forces a colour capability (e.g. `.none`), at most what was detected.
  ///   - theme: the theme to draw with.
  ///   - inputTimeout: milliseconds `readKey()` waits.
  public init(
    term: String?, capability: ColorCapability? = nil,
    theme: Theme = ThemeCatalog.builtin(named: "default") ?? .base, inputTimeout: Int = 100
  ) throws(TerminalError) {
    guard let term, !term.isEmpty else { throw .termNotSet }
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
    Self.adoptLocale()
    // The shell's terminal modes, for the crash handler: it cannot ask curses for them.
    var shellModes = termios()
    let hasShellModes = tcgetattr(STDOUT_FILENO, &shellModes) == 0
    // newterm, unlike initscr, reports a bad TERM instead of exiting the process.
    guard let screen = newterm(term, ldm_stdout(), ldm_stdin()) else {
      throw .unknownTerminal(term)
    }
    guard let window = ldm_stdscr() else {
      endwin()
      delscreen(screen)
      throw .cannotStart("no standard screen")
    }
    self.screen = screen
    self.window = window
    capture = StandardErrorCapture()
    SignalTrap.arm(
      shellModes: hasShellModes ? shellModes : nil, outputDescriptor: STDOUT_FILENO,
      capture: capture)
    cbreak()
    noecho()
    nonl()
    keypad(window, true)
    curs_set(0)
    set_escdelay(25)
    wtimeout(window, Int32(inputTimeout))
    self.inputTimeout = inputTimeout
    let detected = Self.startColor()
    let order = ColorCapability.allCases
    let forced = capability.map { order.firstIndex(of: $0)! } ?? 0
    colorCapability = order[max(forced, order.firstIndex(of: detected)!)]
    pairs = ColorPairs(limit: Int(ldm_color_pairs()), direct: colorCapability == .trueColor)
    asciiOnly = !Self.isUTF8Locale
    self.theme = theme.resolve(for: colorCapability)
    width = Int(ldm_getmaxx(window))
    height = Int(ldm_getmaxy(window))
    savedHandlers = SignalTrap.install()
  }

  deinit {
    restore()
  }

  /// Starts colour and returns the capability ncurses reports (COLORS is only known after
  /// `start_color`).
  private static func startColor() -> ColorCapability {
    guard has_colors(), start_color() == OK else { return .none }
    // -1 then means the terminal's own foreground and background (`default` in themes).
    use_default_colors()
    let colors = ldm_colors()
    if colors >= 0x100_0000 { return .trueColor }
    if colors >= 256 { return .palette256 }
    if colors >= 8 { return .basic8 }
    return .none
  }

  /// The signal that asked the program to stop (SIGINT, SIGTERM, SIGHUP), if any. The main
  /// loop checks it after every `readKey()` and leaves, then calls `restore()`.
  public var terminationSignal: Int32? {
    let signal = SignalTrap.received.load(ordering: .sequentiallyConsistent)
    return signal == 0 ? nil : signal
  }

  /// Switches theme; the next `draw` repaints everything.
  public func setTheme(_ theme: Theme) {
    self.theme = theme.resolve(for: colorCapability)
    pairs.reset()
    needsFullRedraw = true
  }

  /// Forces the next `draw` to repaint every cell (e.g. after the screen was disturbed).
  public func invalidate() {
    needsFullRedraw = true
  }

  /// Shows `frame`, writing only the cells that changed since the last one.
  public func draw(_ frame: ScreenBuffer) {
    // After a crash the screen belongs to the crash report.
    guard isOpen, !SignalTrap.crashed.load(ordering: .sequentiallyConsistent) else { return }
    if needsFullRedraw {
      // Also makes ncurses clear the physical screen, which a resize may have scrambled.
      wclear(window)
      previous = nil
      needsFullRedraw = false
    }
    var wide: [wchar_t] = []
    for run in frame.changes(from: previous) {
      let look = theme.look(of: run.style)
      let pair = pairs.pair(foreground: look.foreground, background: look.background)
      let attributes = Self.attributes(look.attributes)
      if run.isSimple {
        wide.removeAll(keepingCapacity: true)
        for scalar in run.text.unicodeScalars {
          let code = asciiOnly && scalar.value > 0x7E ? 0x3F : scalar.value
          wide.append(wchar_t(bitPattern: code))
        }
        wattr_set(window, attributes, pair, nil)
        mvwaddnwstr(window, Int32(run.y), Int32(run.x), wide, Int32(wide.count))
      } else {
        for glyph in run.glyphs {
          // Each glyph at its own column: the C library's width table may disagree with ours.
          put(glyph, y: run.y, attributes: attributes, pair: pair)
        }
      }
    }
    wattr_set(window, 0, 0, nil)
    wnoutrefresh(window)
    doupdate()
    previous = frame
  }

  private func put(_ glyph: CellRun.Glyph, y: Int, attributes: attr_t, pair: Int16) {
    if asciiOnly {
      let isASCII = glyph.text.unicodeScalars.allSatisfy { $0.value <= 0x7E }
      let shown = isASCII ? glyph.text : String(repeating: "?", count: glyph.width)
      let characters = shown.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
      wattr_set(window, attributes, pair, nil)
      mvwaddnwstr(window, Int32(y), Int32(glyph.x), characters, Int32(characters.count))
      return
    }
    // A cell holds at most CCHARW_MAX wide characters, the terminating zero included.
    var characters = glyph.text.unicodeScalars.prefix(Int(CCHARW_MAX) - 1).map {
      wchar_t(bitPattern: $0.value)
    }
    characters.append(0)
    var cell = cchar_t()
    setcchar(&cell, characters, attributes, pair, nil)
    mvwadd_wch(window, Int32(y), Int32(glyph.x), &cell)
  }

  private static func attributes(_ attributes: TextAttributes) -> attr_t {
    var result = ldm_a_normal()
    if attributes.contains(.bold) { result |= ldm_a_bold() }
    if attributes.contains(.dim) { result |= ldm_a_dim() }
    if attributes.contains(.underline) { result |= ldm_a_underline() }
    if attributes.contains(.reverse) { result |= ldm_a_reverse() }
    if attributes.contains(.italic) { result |= ldm_a_italic() }
    return result
  }

  /// Waits up to `inputTimeout` ms for a key. Nil on timeout, on an interrupting signal and
  /// for keys with no meaning here. A resize updates `width`/`height` and returns `.resize`.
  public func readKey() -> KeyEvent? {
    guard isOpen else { return nil }
    var code: wint_t = 0
    let result = wget_wch(window, &code)
    if result == ERR { return nil }
    if result == KEY_CODE_YES {
      let key = KeyDecoding.special(Int32(bitPattern: code))
      if key == .resize {
        width = Int(ldm_getmaxx(window))
        height = Int(ldm_getmaxy(window))
        needsFullRedraw = true
      }
      return key
    }
    if code == 0x1B { return escapeSequence() }
    return KeyEvent(characterCode: code)
  }

  /// Waits up to `inputTimeout` ms for a key, then takes the keys already waiting behind it,
  /// up to `limit`: a paste arrives as hundreds of keys at once, and one frame can answer
  /// them all instead of one frame per key. Empty on timeout (see `readKey()`).
  public func readKeys(limit: Int = 512) -> [KeyEvent] {
    guard let first = readKey() else { return [] }
    var keys = [first]
    defer { wtimeout(window, Int32(inputTimeout)) }
    while keys.count < limit {
      // Set each time: reading an escape sequence puts the usual timeout back.
      wtimeout(window, 0)
      guard let key = readKey() else { break }
      keys.append(key)
    }
    return keys
  }

  /// After an ESC: a lone Escape, or an escape sequence this terminal's terminfo does not
  /// know (tmux sends `ESC [ 4 ~` for End under TERM=xterm-256color). Known sequences become
  /// their keys; unknown ones are swallowed whole, so their bytes never reach a text field
  /// and their ESC never closes a dialog.
  private func escapeSequence() -> KeyEvent? {
    wtimeout(window, 0)
    defer { wtimeout(window, Int32(inputTimeout)) }
    var code: wint_t = 0
    guard wget_wch(window, &code) == OK else { return .escape }
    guard code == 0x5B || code == 0x4F else { return nil }  // Alt+key: ignored
    var body = ""
    while wget_wch(window, &code) == OK, let scalar = Unicode.Scalar(code) {
      body.unicodeScalars.append(scalar)
      if (0x40...0x7E).contains(code) { break }
      if body.count > 16 { break }
    }
    let known: [String: KeyEvent] = [
      "H": .home, "1~": .home, "7~": .home, "F": .end, "4~": .end, "8~": .end,
      "3~": .delete, "5~": .pageUp, "6~": .pageDown, "A": .up, "B": .down, "C": .right,
      "D": .left, "Z": .backtab,
    ]
    return known[body]
  }

  /// Leaves full-screen mode and gives the terminal back as it was. Idempotent; call it
  /// before printing a fatal error.
  public func restore() {
    guard isOpen else { return }
    isOpen = false
    SignalTrap.uninstall(savedHandlers)
    curs_set(1)
    endwin()
    SignalTrap.cursesActive.store(false, ordering: .sequentiallyConsistent)
    delscreen(screen)
    capture?.end()
  }
}

extension Terminal: TerminalBackend {
  public func readKeys(waitingAtMost timeout: Duration) -> [KeyEvent] {
    let (seconds, attoseconds) = timeout.components
    // A day is as good as forever for a key wait, and cannot overflow.
    let milliseconds = max(
      0, Int(min(seconds, 86_400) * 1000 + attoseconds / 1_000_000_000_000_000))
    if milliseconds != inputTimeout { inputTimeout = milliseconds }
    return readKeys()
  }
}
