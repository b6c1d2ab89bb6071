import CNcursesW
import Glibc
import Synchronization

/// SIGINT, SIGTERM and SIGHUP while the screen is in curses mode.
///
/// The first signal only sets a flag: the main loop wakes within one input timeout, leaves
/// cleanly and restores the terminal itself. A second signal means the loop is stuck, so the
/// handler restores the terminal and exits at once.
enum SignalTrap {
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  /// The first signal received (0: none).
  static let received = Atomic<Int32>(0)
  /// Whether curses owns the screen, so that the emergency path knows to call `endwin`.
  static let cursesActive = Atomic<Bool>(false)

  /// Installs the handlers; returns the previous ones for `uninstall`.
  static func install() -> [Int32: sigaction] {
    received.store(0, ordering: .sequentiallyConsistent)
    var previous: [Int32: sigaction] = [:]
    for signal in signals {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handle
      sigemptyset(&action.sa_mask)
      // No SA_RESTART: a blocked read returns at once, so the loop notices sooner.
      action.sa_flags = 0
      var old = sigaction()
      if sigaction(signal, &action, &old) == 0 { previous[signal] = old }
    }
    return previous
  }

  static func uninstall(_ previous: [Int32: sigaction]) {
    for (signal, old) in previous {
      var action = old
      sigaction(signal, &action, nil)
    }
  }
}

/// The handler: async-signal-safe apart from `endwin` on the emergency path, which is the
/// lesser evil next to leaving the user's terminal in raw mode.
private func handle(_ signal: Int32) {
  let (exchanged, _) = SignalTrap.received.compareExchange(
    expected: 0, desired: signal, ordering: .sequentiallyConsistent)
  if exchanged { return }
  if SignalTrap.cursesActive.load(ordering: .sequentiallyConsistent) { endwin() }
  _exit(128 + signal)
}
