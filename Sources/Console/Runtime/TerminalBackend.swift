/// What the console's runtime needs of a terminal: keys in, frames out.
///
/// The ncurses terminal (`ConsoleTerminal.Terminal`) is the real one; tests use a backend that
/// takes its keys from a script and keeps the frames as text, so that the runtime loop runs
/// unchanged without a terminal.
public protocol TerminalBackend: AnyObject {
  /// Columns of the screen now.
  var width: Int { get }
  /// Rows of the screen now.
  var height: Int { get }
  /// Waits at most `timeout` for a key, then takes the keys already waiting behind it (a paste
  /// is many keys at once). Empty when none came. A resize comes as `.resize`, after `width`
  /// and `height` have changed. The idle console sleeps in here.
  func readKeys(waitingAtMost timeout: Duration) -> [KeyEvent]
  /// Shows `frame`.
  func draw(_ frame: ScreenBuffer)
  /// Draws the following frames in `theme`.
  func setTheme(_ theme: Theme)
  /// The signal that asked the program to stop (SIGINT, SIGTERM, SIGHUP), once one came.
  var terminationSignal: Int32? { get }
}
