import Engine
import Hypervisor
import LdmCommands
import Migration

/// Which of the two host boxes a key acts on.
public enum HostSide: Sendable, Equatable {
  /// The first host of the scenario: where migrations usually start.
  case source
  /// The second host: where they usually arrive.
  case target

  /// The other box.
  public var other: HostSide { self == .source ? .target : .source }
}

/// The selected row of one host's table, kept by name so that it follows the domain while
/// rows come and go, and by index so that it lands nearby when the domain leaves.
public struct DomainSelection: Sendable, Equatable {
  public var name: String?
  public var index: Int

  public init(name: String? = nil, index: Int = 0) {
    self.name = name
    self.index = index
  }
}

/// Everything the console screen depends on, as one value: `ConsoleApp.update` changes it,
/// `ConsoleApp.view` draws it, and neither does any I/O.
public struct ConsoleState: Sendable, Equatable {
  /// The engine's latest publication.
  public var live: LiveSnapshot
  /// Terminal size in cells.
  public var width: Int
  public var height: Int
  /// Host shown on the left (the scenario's first host).
  public var sourceHost: String
  /// Host shown on the right (the scenario's second host; empty when there is none).
  public var targetHost: String
  /// The box keys act on.
  public var focus: HostSide = .source
  public var sourceSelection = DomainSelection()
  public var targetSelection = DomainSelection()
  /// The migration the panel shows; nil shows the newest under way, if any.
  public var selectedMigration: MigrationID?
  /// The open dialog, drawn over the screen and given every key.
  public var dialog: ConsoleDialog?
  /// Theme names `t` cycles through, and the one in use.
  public var themeNames: [String]
  public var themeIndex: Int
  public var glyphs: GlyphSet
  /// The log pane's lines, oldest first, at most `ConsoleState.logLimit`.
  public var log: [LogEntry] = []
  /// Lines scrolled back from the newest (0 follows the log as it grows).
  public var logScrollBack = 0
  /// The newest engine event already in `log`, to append only what is new.
  public var lastEvent: MigrationEvent?
  /// Commands sent to the engine that have not been answered, by ticket.
  public var pending: [Int: PendingRequest] = [:]
  public var nextTicket = 1
  /// Lines typed at `:`, oldest first.
  public var commandHistory: [String] = []
  /// A one-line answer or refusal, shown in the footer until the next key.
  public var statusMessage: StatusMessage?
  /// `ldm migrate` lines run at `:` whose migration goes on in the background, by ticket: if
  /// it fails, the failure answers the same ticket later, as ldm prints it when it ends.
  public var backgroundCommands: [Int: PendingRequest] = [:]
  /// The guided tour of `ldm-console demo`, while it runs.
  public var demo: DemoState?

  /// Lines the log keeps.
  public static let logLimit = 1000
  /// Background `ldm migrate` lines remembered; a migration that long ago has ended.
  public static let backgroundLimit = 100
  /// The smallest screen the full layout is drawn on.
  public static let minimumWidth = 80
  public static let minimumHeight = 24
  /// The speeds `+` and `-` step through, in simulated seconds per wall second.
  public static let speeds = LiveDatacenter.speeds

  /// A console on `live`, showing its first two hosts.
  public init(
    live: LiveSnapshot, width: Int, height: Int, themeNames: [String] = ["default"],
    themeIndex: Int = 0, glyphs: GlyphSet = .unicode
  ) {
    self.live = live
    self.width = width
    self.height = height
    let hosts = live.datacenter.hosts
    sourceHost = hosts.first?.name ?? ""
    targetHost = hosts.count > 1 ? hosts[1].name : ""
    self.themeNames = themeNames.isEmpty ? ["default"] : themeNames
    self.themeIndex = min(max(0, themeIndex), self.themeNames.count - 1)
    self.glyphs = glyphs
    appendEvents(live.events)
    reconcileSelections()
  }

  // MARK: Derived values

  public var datacenter: DatacenterSnapshot { live.datacenter }

  public func hostName(_ side: HostSide) -> String {
    side == .source ? sourceHost : targetHost
  }

  public func host(_ side: HostSide) -> HostSnapshot? {
    datacenter.host(named: hostName(side))
  }

  public func selection(_ side: HostSide) -> DomainSelection {
    side == .source ? sourceSelection : targetSelection
  }

  /// The focused host's selected domain.
  public var selectedDomain: DomainSnapshot? {
    guard let host = host(focus), let name = selection(focus).name else { return nil }
    return host.domain(named: name)
  }

  /// The migration the panel shows: the chosen one, else the newest under way, else the one
  /// that finished last (so that its outcome stays in view).
  public var shownMigration: MigrationSnapshot? {
    let migrations = datacenter.migrations
    if let id = selectedMigration, let chosen = migrations.first(where: { $0.id == id }) {
      return chosen
    }
    return migrations.last { !$0.isFinished } ?? migrations.last
  }

  /// Whether any migration is under way.
  public var isMigrating: Bool {
    datacenter.migrations.contains { !$0.isFinished }
  }

  public var themeName: String { themeNames[themeIndex] }

  // MARK: Keeping derived state consistent

  mutating func setSelection(_ selection: DomainSelection, for side: HostSide) {
    if side == .source { sourceSelection = selection } else { targetSelection = selection }
  }

  /// Re-finds each host's selected domain after the tables changed.
  mutating func reconcileSelections() {
    for side in [HostSide.source, .target] {
      let domains = host(side)?.domains ?? []
      var selection = selection(side)
      if let name = selection.name, let index = domains.firstIndex(where: { $0.name == name }) {
        selection.index = index
      } else if domains.isEmpty {
        selection = DomainSelection()
      } else {
        // The domain left (migrated away, destroyed): stay at the same height in the table.
        selection.index = min(max(0, selection.index), domains.count - 1)
        selection.name = domains[selection.index].name
      }
      setSelection(selection, for: side)
    }
    if let id = selectedMigration, !datacenter.migrations.contains(where: { $0.id == id }) {
      selectedMigration = nil
    }
  }

  /// Appends the events of a snapshot that the log does not hold yet.
  mutating func appendEvents(_ events: [MigrationEvent]) {
    guard !events.isEmpty else { return }
    var fresh = events[...]
    if let lastEvent, let seen = events.lastIndex(of: lastEvent) {
      fresh = events[(seen + 1)...]
    }
    for event in fresh { appendLog(LogEntry(event: event)) }
    lastEvent = events.last
  }

  mutating func appendLog(_ entry: LogEntry) {
    log.append(entry)
    if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    // A reader scrolled back keeps looking at the same lines while new ones arrive.
    if logScrollBack > 0 { logScrollBack = min(logScrollBack + 1, log.count) }
  }

  /// A ticket for a command about to be sent, remembered until its answer comes.
  mutating func issueTicket(for request: PendingRequest) -> Int {
    let ticket = nextTicket
    nextTicket += 1
    pending[ticket] = request
    return ticket
  }
}

/// What a ticket in flight was issued for, so that its answer lands in the right place.
public enum PendingRequest: Sendable, Equatable {
  case ldm(line: String, host: String)
  case migrate(domain: String, host: String, dryRun: Bool)
  case cancel(domain: String, host: String)
  case fault(String)
}
