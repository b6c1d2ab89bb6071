import Foundation
import Testing

/// A failure of an end-to-end step, carrying the last screen so the report shows what was there.
struct EndToEndFailure: Error, CustomStringConvertible {
  let description: String
}

/// The `ldm-console` binary built beside this test bundle, whatever the scratch path.
///
/// The test executable (Linux: `<products>/ldm-consolePackageTests.xctest`; macOS: a bundle under
/// `<products>`) lives in the build products directory, where `swift test` also builds
/// `ldm-console`. `LDM_CONSOLE_BINARY` overrides the search.
enum ConsoleBinary {
  static func path() throws -> String {
    let environment = ProcessInfo.processInfo.environment
    if let override = environment["LDM_CONSOLE_BINARY"], !override.isEmpty {
      return override
    }
    var starts: [URL] = []
    if let executable = Bundle.main.executableURL { starts.append(executable) }
    starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
    starts.append(Bundle.main.bundleURL)
    #if canImport(Darwin)
      // macOS runs tests from a bundle. (On Linux, Foundation's allBundles leaks its array.)
      for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        starts.append(bundle.bundleURL)
      }
    #endif
    var tried: [String] = []
    for start in starts {
      var directory = start.resolvingSymlinksInPath().deletingLastPathComponent()
      for _ in 0..<5 {
        let candidate = directory.appendingPathComponent("ldm-console").path
        tried.append(candidate)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
          !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate)
        {
          return candidate
        }
        directory = directory.deletingLastPathComponent()
      }
    }
    throw EndToEndFailure(
      description: "ldm-console not found beside the test bundle (tried: "
        + tried.joined(separator: ", ") + "); build it with `swift build` or set LDM_CONSOLE_BINARY"
    )
  }
}

/// One tmux server of its own (`tmux -L <socket>`) with one fixed-size pane running a bare shell,
/// into which a test types the console's command line; the shell stays after the console exits,
/// so a test can check the exit status and the terminal modes it left behind.
final class TmuxConsole: @unchecked Sendable {
  static let environment = "TERM=xterm-256color LANG=C.UTF-8"
  /// Printed after the console exits: its status and the terminal's echo and icanon modes. The
  /// quotes split the markers so the typed command line never matches the output.
  static let afterExit =
    #"echo "EXIT""STATUS=$?"; echo "TTY""MODES: $(stty -a | tr -s ' ;' '\n\n' "#
    + #"| grep -xE -- '-?(echo|icanon)' | tr '\n' ' ')""#

  let socket: String
  let binary: String
  /// Texts that must never be on screen (the password): every capture checks them.
  var forbidden: [String] = []
  private(set) var lastScreen = ""

  init(_ name: String, width: Int = 120, height: Int = 36) throws {
    guard let tmux = TmuxConsole.findTmux() else {
      throw EndToEndFailure(
        description: "tmux is not installed (or not on PATH): the end-to-end tests need it "
          + "(apt-get install tmux)")
    }
    self.tmux = tmux
    binary = try ConsoleBinary.path()
    socket = "ldm-e2e-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try run([
      "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
      "env PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile",
    ])
  }

  private let tmux: String

  private static func findTmux() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") + [
      "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin",
    ] {
      let candidate = "\(directory)/tmux"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Runs a tmux command on this server and returns its standard output.
  ///
  /// posix_spawn and waitpid, with output to files: the tmux server that `new-session` forks
  /// inherits the client's descriptors and keeps them open, so a pipe would never reach end of
  /// file, and Foundation's `Process` waits on a run loop that a test task does not spin.
  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    let token = UUID().uuidString
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(token)")
    let outputPath = base.path + ".out"
    let errorPath = base.path + ".err"
    defer {
      try? FileManager.default.removeItem(atPath: outputPath)
      try? FileManager.default.removeItem(atPath: errorPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // The test process's threads block most signals and may ignore some; the tmux server and
    // everything in its panes would inherit that (no SIGWINCH, SIGINT, SIGTERM or SIGHUP would
    // ever arrive), so tmux starts with an empty mask and default dispositions.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    sigdelset(&allSignals, SIGKILL)
    sigdelset(&allSignals, SIGSTOP)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var environment = ProcessInfo.processInfo.environment
    environment["TERM"] = "xterm-256color"
    environment["LANG"] = "C.UTF-8"
    environment.removeValue(forKey: "TMUX")
    let argv = [tmux, "-L", socket] + arguments
    let envp = environment.map { "\($0.key)=\($0.value)" }
    var pid: pid_t = 0
    let spawned = withCStrings(argv) { cArgv in
      withCStrings(envp) { cEnvp in posix_spawn(&pid, tmux, &actions, &attributes, cArgv, cEnvp) }
    }
    guard spawned == 0 else {
      throw EndToEndFailure(description: "cannot run \(tmux): error \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let data = FileManager.default.contents(atPath: outputPath) ?? Data()
    let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
    guard status == 0 else {
      throw EndToEndFailure(
        description: "tmux \(arguments.joined(separator: " ")) failed (wait status \(status)): "
          + String(decoding: errorData, as: UTF8.self) + "\nLast screen:\n\(lastScreen)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// Types the console's command line into the shell: the binary with `arguments`, then the
  /// exit status and terminal modes once it ends.
  func startConsole(
    arguments: String = "", environment: String = TmuxConsole.environment
  ) throws {
    // The shell reads the command line from a file, so what it echoes is one short line
    // whatever the checkout's path: a long one would wrap, and a wrapped piece could match
    // what a test looks for on screen.
    let line = "\(environment) '\(binary)' \(arguments); \(TmuxConsole.afterExit)\n"
    try line.write(toFile: commandFile, atomically: true, encoding: .utf8)
    try typeLine(". \(commandFile)")
  }

  /// Where `startConsole` leaves the command line for the shell (not named after the test,
  /// whose name may be a text the test forbids on screen).
  var commandFile: String { "/tmp/ldm-e2e-\(socket.hashValue.magnitude).sh" }

  /// Starts the console and waits for its footer.
  func startAndWait() async throws {
    try startConsole()
    try await waitFor(" m migrate")
  }

  /// Starts a migration of the domain `down` rows below `primary` on the left host, with the
  /// password, and waits until it has started: `-n---s` on the source, or the migration
  /// panel's title (`┌ ldom01 → sparc-t4-b · …`), which stays when a small domain has moved
  /// within one look at the screen on a busy machine.
  func migrate(down: Int, password: String = "secret", rename: String? = nil) async throws {
    for _ in 0..<down { try keys("j") }
    try keys("m")
    let form = try await waitFor("Target Password:")
    if let rename {
      let target = form.split(separator: "\n").first { $0.contains("Target:") } ?? ""
      let name = target.split(separator: ":").last?.split(separator: " ").first ?? ""
      for _ in 0..<name.count { try keys("BSpace") }
      try type(rename)
      try await waitFor("sparc-t4-b:\(rename) ")
    }
    try keys("Tab")
    try type(password)
    try await waitFor("Target Password: " + String(repeating: "*", count: password.count))
    try keys("Enter")
    try await waitUntil("the migration started") { screen in
      screen.contains("-n---s")
        || screen.split(separator: "\n").contains { $0.hasPrefix("┌ ") && $0.contains(" → ") }
    }
  }

  /// Types text literally (no key names) and presses Enter.
  func typeLine(_ text: String) throws {
    try type(text)
    try keys("Enter")
  }

  /// Types text literally.
  func type(_ text: String) throws {
    try run(["send-keys", "-t", "0", "-l", "--", text])
  }

  /// Presses tmux key names, one after another (`Enter`, `Tab`, `BSpace`, `C-c`, `j` …).
  func keys(_ names: String...) throws {
    try run(["send-keys", "-t", "0", "--"] + names)
  }

  /// Sends raw bytes, given in hex.
  func bytes(_ hex: [String]) throws {
    try run(["send-keys", "-t", "0", "-H"] + hex)
  }

  /// The screen now, as text; fails the test if a forbidden text is on it.
  @discardableResult
  func screen(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let text = try run(["capture-pane", "-p", "-t", "0"])
    lastScreen = text
    for secret in forbidden where text.contains(secret) {
      Issue.record(
        "\"\(secret)\" is on the screen:\n\(text)", sourceLocation: sourceLocation)
    }
    return text
  }

  /// Polls the screen every 50 ms until `condition` holds; on timeout fails with the last
  /// screen. Returns the screen that satisfied it.
  @discardableResult
  func waitUntil(
    _ what: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: (String) -> Bool
  ) async throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let text = try screen(sourceLocation: sourceLocation)
      if condition(text) { return text }
      if Date() > deadline {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).screen")
        try? text.write(to: file, atomically: true, encoding: .utf8)
        // What was awaited comes again after the screen: a report cut to its last lines
        // still says it.
        throw EndToEndFailure(
          description: "timed out after \(Int(timeout)) s waiting for \(what); last screen "
            + "(also in \(file.path)):\n"
            + text + "\n(the screen above did not show \(what) within \(Int(timeout)) s)")
      }
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Waits until `text` is on the screen.
  @discardableResult
  func waitFor(
    _ text: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> String {
    try await waitUntil("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) {
      $0.contains(text)
    }
  }

  /// Waits until `text` is no longer on the screen.
  @discardableResult
  func waitForGone(
    _ text: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> String {
    try await waitUntil(
      "\"\(text)\" to disappear", timeout: timeout, sourceLocation: sourceLocation
    ) { !$0.contains(text) }
  }

  /// Waits for the console to exit and returns its status and the terminal modes it left.
  func waitForExit(sourceLocation: SourceLocation = #_sourceLocation) async throws -> ConsoleExit {
    let text = try await waitUntil("the console to exit", sourceLocation: sourceLocation) {
      $0.split(separator: "\n").contains { $0.hasPrefix("TTYMODES:") }
    }
    let lines = text.split(separator: "\n").map(String.init)
    let statusLine = lines.last { $0.hasPrefix("EXITSTATUS=") } ?? "EXITSTATUS=?"
    let status = Int(statusLine.dropFirst("EXITSTATUS=".count)) ?? -1
    let modesLine = lines.last { $0.hasPrefix("TTYMODES:") } ?? ""
    let modes = modesLine.dropFirst("TTYMODES:".count).split(separator: " ").map(String.init)
    // What the pane's terminal itself says: cursor shown, main screen (not the alternate one).
    let flags = try run(["display-message", "-p", "-t", "0", "#{cursor_flag} #{alternate_on}"])
      .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    return ConsoleExit(
      status: status, modes: modes, screen: text, cursorVisible: flags.first == "1",
      alternateScreen: flags.last != "0")
  }

  /// The process id of the console: the child of the pane's shell.
  func consolePID() throws -> Int32 {
    let shell = try run(["display-message", "-p", "-t", "0", "#{pane_pid}"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard let shellPID = Int32(shell) else {
      throw EndToEndFailure(description: "no pane pid: \(shell)")
    }
    if let console = children(of: shellPID).first(where: { $0.name == "ldm-console" }) {
      return console.pid
    }
    throw EndToEndFailure(description: "no ldm-console child of the shell \(shellPID)")
  }

  /// The processes in the pane: the shell and its children (the console).
  func paneProcesses() -> [Int32] {
    guard
      let shell = try? run(["display-message", "-p", "-t", "0", "#{pane_pid}"]),
      let shellPID = Int32(shell.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return [] }
    return [shellPID] + children(of: shellPID).map(\.pid)
  }

  /// Kills this test's tmux server (never any other), and then whatever it leaves running of
  /// the processes in its pane.
  func kill() {
    let processes = paneProcesses()
    _ = try? run(["kill-server"])
    for pid in processes.reversed() { signalProcess(pid, SIGKILL) }
    try? FileManager.default.removeItem(atPath: commandFile)
    // tmux leaves the socket file of a server it was told to kill.
    let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
    try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(socket)")
  }
}

/// Checks after exit: status, echo and canonical mode back, no box drawing left on screen.
/// How the console left its pane: its exit status, `stty -a` afterwards, the screen, and the
/// pane's cursor and screen modes.
struct ConsoleExit {
  var status: Int
  var modes: [String]
  var screen: String
  var cursorVisible: Bool
  var alternateScreen: Bool
}

/// The terminal is usable after the console left: echo and canonical mode back, cursor
/// visible, the main screen back (nothing of the console's boxes on it).
func expectCleanTerminal(
  _ exit: ConsoleExit, status expected: Int? = 0,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if let expected {
    #expect(exit.status == expected, "exit status\n\(exit.screen)", sourceLocation: sourceLocation)
  }
  #expect(exit.modes.contains("echo"), "stty: \(exit.modes)", sourceLocation: sourceLocation)
  #expect(exit.modes.contains("icanon"), "stty: \(exit.modes)", sourceLocation: sourceLocation)
  #expect(!exit.modes.contains("-echo"), "stty: \(exit.modes)", sourceLocation: sourceLocation)
  #expect(!exit.modes.contains("-icanon"), "stty: \(exit.modes)", sourceLocation: sourceLocation)
  #expect(exit.cursorVisible, "cursor hidden after exit", sourceLocation: sourceLocation)
  #expect(!exit.alternateScreen, "still on the alternate screen", sourceLocation: sourceLocation)
  for box in ["┌", "┐", "└", "┘", "│", "─"] {
    #expect(
      !exit.screen.contains(box), "box drawing left on the normal screen:\n\(exit.screen)",
      sourceLocation: sourceLocation)
  }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(
  _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
) -> R {
  let pointers = strings.map { strdup($0) } + [nil]
  defer { for pointer in pointers { free(pointer) } }
  return body(pointers)
}

/// The children of a process, from /proc (Linux).
func children(of parent: Int32) -> [(pid: Int32, name: String)] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  var found: [(pid: Int32, name: String)] = []
  for entry in entries {
    guard let pid = Int32(entry),
      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
      let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
    else { continue }
    let name = String(stat[stat.index(after: open)..<close])
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    if fields.count > 1, Int32(fields[1]) == parent { found.append((pid, name)) }
  }
  return found
}

/// kill(2), outside any type with a `kill` of its own.
func signalProcess(_ pid: Int32, _ signal: Int32) {
  _ = kill(pid, signal)
}
