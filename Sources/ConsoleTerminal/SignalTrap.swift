import CNcursesW
import Glibc
import Synchronization

/// The console's signal handling while curses owns the screen.
///
/// - SIGINT, SIGTERM, SIGHUP: the first only sets a flag; the main loop wakes within one input
///   timeout, leaves cleanly and restores the terminal itself. A second one means the loop is
///   stuck, so the handler restores the terminal and exits with 128 + N at once.
/// - SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT: a crash (a Swift runtime trap such as a
///   failed precondition is SIGILL on x86-64 and SIGTRAP on arm64). The handler puts the
///   terminal back, then hands the signal on to whoever had it before: Swift's backtracer
///   then prints its report on a usable screen, or the default action ends the process.
///
/// Restoring uses only async-signal-safe calls (`write`, `tcsetattr`) on what `arm` prepared:
/// the terminal modes from before curses started and terminfo's strings that leave the
/// alternate screen, show the cursor and reset attributes.
enum SignalTrap {
  static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
  static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

  /// The first stop signal received (0: none).
  static let received = Atomic<Int32>(0)
  /// Whether the screen still needs restoring; cleared by whoever restores it first.
  static let cursesActive = Atomic<Bool>(false)
  /// Set by the crash handler, so that no thread draws on the restored screen again.
  static let crashed = Atomic<Bool>(false)

  /// What the handlers need, prepared before any of them can run.
  nonisolated(unsafe) private static var emergency = EmergencyRestore()
  /// The crash signals' previous actions, given the signal back after the restore.
  nonisolated(unsafe) private static var previousCrashActions: [Int32: sigaction] = [:]

  /// Records how to put the terminal back: `shellModes` from before curses started; the
  /// terminfo strings are read now (curses has loaded the terminal's entry); `capture` holds
  /// standard error meanwhile.
  static func arm(
    shellModes: termios?, outputDescriptor: Int32, capture: StandardErrorCapture?
  ) {
    var sequence: [UInt8] = []
    for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
      if let value = ldm_tigetstr(capability) {
        sequence += Array(String(cString: value).utf8)
      }
    }
    emergency = EmergencyRestore(
      modes: shellModes, descriptor: outputDescriptor, sequence: sequence, capture: capture)
    cursesActive.store(true, ordering: .sequentiallyConsistent)
  }

  /// Installs every handler; returns the previous actions for `uninstall`.
  static func install() -> [Int32: sigaction] {
    received.store(0, ordering: .sequentiallyConsistent)
    var previous: [Int32: sigaction] = [:]
    for signal in stopSignals {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handleStop
      sigemptyset(&action.sa_mask)
      // No SA_RESTART: a blocked read returns at once, so the loop notices sooner.
      action.sa_flags = 0
      var old = sigaction()
      if sigaction(signal, &action, &old) == 0 { previous[signal] = old }
    }
    for signal in crashSignals {
      var action = sigaction()
      action.__sigaction_handler.sa_sigaction = handleCrash
      sigemptyset(&action.sa_mask)
      // SA_ONSTACK: a stack overflow can still be reported if the runtime set up an
      // alternate stack (Swift's backtracer does). SA_NODEFER: the previous handler runs
      // inside this one and must see the signal unblocked, as it would on its own; Swift's
      // backtracer reads the crashed process's memory from a thread that catches its own
      // SIGSEGV, and with SIGSEGV blocked a bad read killed the process mid-report, leaving
      // the backtracer waiting for ever.
      action.sa_flags = SA_SIGINFO | SA_ONSTACK | Int32(SA_NODEFER)
      var old = sigaction()
      if sigaction(signal, &action, &old) == 0 {
        previous[signal] = old
        previousCrashActions[signal] = old
      }
    }
    return previous
  }

  static func uninstall(_ previous: [Int32: sigaction]) {
    for (signal, old) in previous {
      var action = old
      sigaction(signal, &action, nil)
    }
  }

  /// Puts the terminal back once, whoever asks first.
  fileprivate static func restoreInEmergency() {
    let (exchanged, _) = cursesActive.compareExchange(
      expected: true, desired: false, ordering: .sequentiallyConsistent)
    if exchanged { emergency.run() }
  }

  fileprivate static func previousCrashAction(for signal: Int32) -> sigaction {
    previousCrashActions[signal] ?? sigaction()
  }
}

/// The terminal's state to return to, and the bytes that return it there.
private struct EmergencyRestore {
  var modes: termios?
  var descriptor: Int32 = STDOUT_FILENO
  var sequence: [UInt8] = []
  var capture: StandardErrorCapture?

  /// Async-signal-safe: `write`, `tcsetattr`, `dup2`, `read` on storage allocated beforehand.
  func run() {
    // A newline first: a half-written escape sequence from another thread then ends harmlessly.
    var newline: UInt8 = 0x0A
    _ = write(descriptor, &newline, 1)
    sequence.withUnsafeBytes { bytes in
      if let base = bytes.baseAddress { _ = write(descriptor, base, bytes.count) }
    }
    if var modes { _ = tcsetattr(descriptor, TCSANOW, &modes) }
    capture?.end()
  }
}

private func handleStop(_ signal: Int32) {
  let (exchanged, _) = SignalTrap.received.compareExchange(
    expected: 0, desired: signal, ordering: .sequentiallyConsistent)
  if exchanged { return }
  SignalTrap.restoreInEmergency()
  _exit(128 + signal)
}

private func handleCrash(
  _ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?
) {
  let (first, _) = SignalTrap.crashed.compareExchange(
    expected: false, desired: true, ordering: .sequentiallyConsistent)
  guard first else {
    // A crash while handling a crash: no second report, just the default action.
    restoreDefaultAction(of: signal)
    raise(signal)
    return
  }
  SignalTrap.restoreInEmergency()
  // The previous handler (Swift's backtracer, a sanitizer's) runs here, with the real
  // context, on the restored screen. Handlers written for faults return expecting the fault
  // to happen again, so death is left to the default action, not to them.
  let previous = SignalTrap.previousCrashAction(for: signal)
  let disposition = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self)
  if disposition != 0, disposition != 1 {  // neither SIG_DFL nor SIG_IGN
    if previous.sa_flags & SA_SIGINFO != 0 {
      previous.__sigaction_handler.sa_sigaction?(signal, info, context)
    } else {
      previous.__sigaction_handler.sa_handler?(signal)
    }
  }
  restoreDefaultAction(of: signal)
  // A fault (SIGSEGV, SIGILL from a trap instruction…) happens again when the handler returns
  // and now ends the process. A signal that was sent (kill, abort) or SIGTRAP (whose
  // instruction may be stepped over) is sent again, and ends it at once.
  let wasSent = (info?.pointee.si_code ?? 0) <= 0
  if wasSent || signal == SIGTRAP { raise(signal) }
}

private func restoreDefaultAction(of signal: Int32) {
  var action = sigaction()  // SIG_DFL, no flags, empty mask
  sigaction(signal, &action, nil)
}
