import LdmCommands

/// The console's running loop: keys from the terminal, snapshots and reports from the engine,
/// each through `ConsoleApp.update`; the commands it returns carried out; a frame drawn.
///
/// Everything the loop touches comes through two protocols, so the same loop runs on the
/// ncurses terminal and the engine thread in the program, and on a scripted backend in tests.
public struct ConsoleRuntime {
  /// How the console starts.
  public struct Options {
    /// Theme names `t` cycles through, and the one in use.
    public var themeNames: [String]
    public var themeIndex: Int
    public var glyphs: GlyphSet
    /// The guided tour to run (`ldm-console demo`), if any.
    public var demo: DemoScript?
    /// How long one turn waits for a key when nothing happens. The engine publishes about
    /// every 40 ms, so waiting longer would make the bars stutter.
    public var keyTimeout: Duration
    /// Loads the theme `t` asks for; a failure is logged and the theme in use stays.
    public var loadTheme: (String) throws -> Theme
    /// Sees every new snapshot before the console does (the executable's crash test hook).
    public var observeSnapshot: ((LiveSnapshot) -> Void)?

    public init(
      themeNames: [String] = ["default"], themeIndex: Int = 0, glyphs: GlyphSet = .unicode,
      demo: DemoScript? = nil, keyTimeout: Duration = .milliseconds(40),
      loadTheme: @escaping (String) throws -> Theme = { try ThemeCatalog.load($0) },
      observeSnapshot: ((LiveSnapshot) -> Void)? = nil
    ) {
      self.themeNames = themeNames
      self.themeIndex = themeIndex
      self.glyphs = glyphs
      self.demo = demo
      self.keyTimeout = keyTimeout
      self.loadTheme = loadTheme
      self.observeSnapshot = observeSnapshot
    }
  }

  /// The console as it stands after the last turn.
  public private(set) var state: ConsoleState
  private let backend: any TerminalBackend
  private let engine: any EngineConnection
  private let options: Options
  /// Reports that came with the first snapshot, applied in the first turn.
  private var startingReports: [EngineReport]

  /// A console on the engine's first snapshot, sized to the backend.
  public init(
    backend: any TerminalBackend, engine: any EngineConnection, options: Options = Options()
  ) throws(ConsoleRuntimeError) {
    let (first, reports) = engine.poll()
    guard let first else { throw ConsoleRuntimeError("the engine published no snapshot") }
    self.backend = backend
    self.engine = engine
    self.options = options
    startingReports = reports
    state = ConsoleState(
      live: first, width: backend.width, height: backend.height, themeNames: options.themeNames,
      themeIndex: options.themeIndex, glyphs: options.glyphs)
  }

  /// Runs until the user quits or a signal asks to stop; returns the exit status: 0 after
  /// `q`, 128 + N after signal N (as a shell reports a process that signal killed), so a
  /// script can tell an interrupted console from a finished one.
  public mutating func run() -> Int32 {
    if let status = start() { return status }
    while true {
      if let status = turn() { return status }
    }
  }

  /// Starts the tour, if any, and draws the first frame; an exit status if that already ends
  /// the console.
  public mutating func start() -> Int32? {
    var events = startingReports.map(ConsoleEvent.report)
    startingReports = []
    if let demo = options.demo {
      let outcome = carryOut(ConsoleApp.startDemo(demo, &state))
      if outcome.quits { return 0 }
      events += outcome.events
    }
    if let status = apply(events) { return status }
    backend.draw(ConsoleApp.view(state))
    return nil
  }

  /// One turn of the loop: wait for keys, take the engine's news, update, draw. Returns the
  /// exit status once the console ends.
  public mutating func turn() -> Int32? {
    var events: [ConsoleEvent] = backend.readKeys(waitingAtMost: options.keyTimeout).map {
      $0 == .resize ? .resize(width: backend.width, height: backend.height) : .key($0)
    }
    if let signal = backend.terminationSignal { return 128 + signal }
    let (snapshot, reports) = engine.poll()
    if let snapshot, snapshot != state.live {
      options.observeSnapshot?(snapshot)
      events.append(.snapshot(snapshot))
    }
    events += reports.map(ConsoleEvent.report)
    if let status = apply(events) { return status }
    backend.draw(ConsoleApp.view(state))
    return nil
  }

  /// Applies `events` in order and carries out the commands each one gives. Events those
  /// commands cause (a theme that fails to load) join the queue and are applied in the same
  /// turn, after the ones already waiting.
  private mutating func apply(_ events: [ConsoleEvent]) -> Int32? {
    var queue = events
    var next = 0
    while next < queue.count {
      let event = queue[next]
      next += 1
      let outcome = carryOut(ConsoleApp.update(&state, event))
      if outcome.quits { return 0 }
      queue += outcome.events
    }
    return nil
  }

  /// Sends engine commands, switches themes; says whether to quit and what events followed.
  private func carryOut(_ commands: [ConsoleCommand]) -> (quits: Bool, events: [ConsoleEvent]) {
    var events: [ConsoleEvent] = []
    for command in commands {
      switch command {
      case .engine(let engineCommand):
        engine.send(engineCommand)
      case .setTheme(let name):
        do {
          backend.setTheme(try options.loadTheme(name))
        } catch {
          events.append(.themeLoadFailed(name: name, message: "\(error)"))
        }
      case .quit:
        return (true, events)
      }
    }
    return (false, events)
  }
}

/// Why the console could not start.
public struct ConsoleRuntimeError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
