import Console
import Foundation

/// A terminal for tests, in the spirit of ratatui's `TestBackend`: the keys come from a
/// script, every frame the console draws is kept as text, and nothing touches a real terminal.
///
/// A script is a list of steps: keys to press, a resize, a signal, or a wait until the screen
/// shows something. Waits give the engine (on its own thread, on a wall clock) the time it
/// needs; each is bounded, and one that runs out is recorded in `failures` and stops the
/// console, as does a script that ends before the console quits.
public final class TestBackend: TerminalBackend {
  /// One step of a key script.
  public enum Step {
    /// These keys, in one read (as a paste arrives).
    case keys([KeyEvent])
    /// The terminal changes size.
    case resize(width: Int, height: Int)
    /// Until the screen contains the text.
    case waitFor(String)
    /// Until the screen satisfies the condition, described for the failure message.
    case waitUntil(String, (String) -> Bool)
    /// A signal asks the program to stop (SIGINT, SIGTERM…).
    case signal(Int32)
  }

  /// The signal the backend reports when the script cannot go on: a wait ran out, or the
  /// script ended and the console still runs. SIGALRM, which nothing else here sends.
  public static let abandoned: Int32 = 14

  public private(set) var width: Int
  public private(set) var height: Int
  public private(set) var terminationSignal: Int32?
  /// Every distinct frame drawn, as text, oldest first.
  public private(set) var frames: [String] = []
  /// The themes the console switched to, in order.
  public private(set) var themes: [Theme] = []
  /// What went wrong with the script; empty when it ran to its end.
  public private(set) var failures: [String] = []
  /// How many times the console asked for keys.
  public private(set) var reads = 0

  private var steps: [Step]
  private let waitLimit: Duration
  private var waitDeadline: ContinuousClock.Instant?

  /// A `width`×`height` terminal that plays `script`; each wait gives up after `waitLimit`.
  public init(
    width: Int = 80, height: Int = 24, script: [Step], waitLimit: Duration = .seconds(60)
  ) {
    self.width = width
    self.height = height
    steps = script
    self.waitLimit = waitLimit
  }

  /// The last frame drawn, as text.
  public var screen: String { frames.last ?? "" }

  /// Whether any frame drawn so far satisfies `condition`.
  public func everShowed(_ condition: (String) -> Bool) -> Bool {
    frames.contains(where: condition)
  }

  public func readKeys(waitingAtMost timeout: Duration) -> [KeyEvent] {
    reads += 1
    while let step = steps.first {
      switch step {
      case .keys(let keys):
        steps.removeFirst()
        return keys
      case .resize(let newWidth, let newHeight):
        steps.removeFirst()
        width = newWidth
        height = newHeight
        return [.resize]
      case .signal(let signal):
        steps.removeFirst()
        terminationSignal = signal
        return []
      case .waitFor(let text):
        if wait(for: "\"\(text)\"", timeout: timeout, until: { $0.contains(text) }) { continue }
        return []
      case .waitUntil(let what, let condition):
        if wait(for: what, timeout: timeout, until: condition) { continue }
        return []
      }
    }
    if terminationSignal == nil {
      failures.append("the script ended but the console did not quit; last screen:\n\(screen)")
      terminationSignal = Self.abandoned
    }
    return []
  }

  /// True when the wait is over (the step is then removed); otherwise sleeps `timeout`, as a
  /// terminal with no key to read would, unless the wait has run out.
  private func wait(
    for what: String, timeout: Duration, until condition: (String) -> Bool
  ) -> Bool {
    if condition(screen) {
      steps.removeFirst()
      waitDeadline = nil
      return true
    }
    let now = ContinuousClock.now
    let deadline = waitDeadline ?? now + waitLimit
    waitDeadline = deadline
    if now >= deadline {
      failures.append("timed out waiting for \(what); last screen:\n\(screen)")
      steps.removeAll()
      terminationSignal = Self.abandoned
      return false
    }
    let (seconds, attoseconds) = min(timeout, deadline - now).components
    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) * 1e-18)
    return false
  }

  public func draw(_ frame: ScreenBuffer) {
    let text = frame.rendered()
    if text != frames.last { frames.append(text) }
  }

  public func setTheme(_ theme: Theme) {
    themes.append(theme)
  }
}

extension TestBackend.Step {
  /// Each character of `text` as a key, in one read.
  public static func type(_ text: String) -> Self {
    .keys(text.map { KeyEvent.character($0) })
  }

  /// One key.
  public static func key(_ key: KeyEvent) -> Self {
    .keys([key])
  }
}
