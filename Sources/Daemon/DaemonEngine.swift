import DequeModule
import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration

/// The thread that owns a daemon's host and manager, on the wall clock: guests run, its
/// migrations and the halves arriving step as frames come and time passes, and the commands of
/// attached consoles are carried out. Everything else reaches it through its mailbox.
public final class DaemonEngine: Sendable {
  /// What other threads share with the engine thread, guarded by `condition`.
  final class Mailbox: @unchecked Sendable {
    let condition = NSCondition()
    var accepted: [TCPMigrationChannel] = []
    var commands: [(command: EngineCommand, client: Int)] = []
    var reports: [Int: [EngineReport]] = [:]
    /// Consoles attached now: answers for one that left are dropped, not kept forever.
    var attached: Set<Int> = []
    var snapshot: DatacenterSnapshot?
    var events: Deque<(sequence: Int, event: MigrationEvent)> = []
    var woken = false
    var started = false
    var startError: String?
    var stopRequested = false
    var stopped = false
  }

  let mailbox = Mailbox()
  /// Seconds between two steps when nothing wakes the thread.
  static let tick = 0.01
  public let hostName: String
  /// This run of the daemon, for consoles resuming their events after a reconnect.
  public let boot = UUID().uuidString

  /// Starts the engine thread for `hostName` of `scenario`; `connect` opens a migration
  /// connection to another host's daemon (nil when none is known); `log` gets one line per
  /// event.
  public init(
    scenario: Scenario, hostName: String, settings: EngineSettings,
    connect:
      @escaping @Sendable (String, _ wake: @escaping @Sendable () -> Void)
      -> TCPMigrationChannel?,
    log: @escaping @Sendable (String) -> Void
  ) throws(HypervisorError) {
    self.hostName = hostName
    let mailbox = self.mailbox
    let firstID = 1 + 10_000 * (scenario.hosts.firstIndex { $0.name == hostName } ?? 0)
    let thread = Thread {
      Loop(
        scenario: scenario, hostName: hostName, settings: settings, firstID: firstID,
        connect: connect, log: log, mailbox: mailbox
      ).run()
    }
    thread.name = "ldmd engine"
    thread.start()
    mailbox.condition.lock()
    while !mailbox.started { mailbox.condition.wait() }
    let error = mailbox.startError
    mailbox.condition.unlock()
    if let error { throw HypervisorError(error) }
  }

  /// Wall-clock seconds: the engine time of every daemon.
  public static func clock() -> Double { Date().timeIntervalSince1970 }

  /// Wakes the engine thread (a frame arrived, a command came).
  public func wake() {
    mailbox.condition.lock()
    mailbox.woken = true
    mailbox.condition.broadcast()
    mailbox.condition.unlock()
  }

  /// A migration connection from another daemon, once its first frame is in.
  public func accept(_ channel: TCPMigrationChannel) {
    mailbox.condition.lock()
    mailbox.accepted.append(channel)
    mailbox.woken = true
    mailbox.condition.broadcast()
    mailbox.condition.unlock()
  }

  /// A command from the console attached as `client`.
  public func send(_ command: EngineCommand, from client: Int) {
    mailbox.condition.lock()
    mailbox.commands.append((command, client))
    mailbox.attached.insert(client)
    mailbox.woken = true
    mailbox.condition.broadcast()
    mailbox.condition.unlock()
  }

  /// The host as it stands, the events after `sequence`, and `client`'s reports.
  public func poll(client: Int, after sequence: Int) -> (
    snapshot: DatacenterSnapshot?, events: [(sequence: Int, event: MigrationEvent)],
    reports: [EngineReport]
  ) {
    mailbox.condition.lock()
    defer { mailbox.condition.unlock() }
    let reports = mailbox.reports.removeValue(forKey: client) ?? []
    return (mailbox.snapshot, mailbox.events.filter { $0.sequence > sequence }, reports)
  }

  /// Forgets a console that went away.
  public func detach(client: Int) {
    mailbox.condition.lock()
    mailbox.reports[client] = nil
    mailbox.attached.remove(client)
    mailbox.condition.unlock()
  }

  /// Stops cleanly: migrations leaving are cancelled and halves arriving destroyed, their
  /// peers told; returns once that is done (at most a few seconds).
  public func stop() {
    mailbox.condition.lock()
    mailbox.stopRequested = true
    mailbox.condition.broadcast()
    while !mailbox.stopped { mailbox.condition.wait() }
    mailbox.condition.unlock()
  }

  /// The engine thread's side: owns the host and the manager.
  struct Loop {
    let scenario: Scenario
    let hostName: String
    let settings: EngineSettings
    let firstID: Int
    let connect: @Sendable (String, @escaping @Sendable () -> Void) -> TCPMigrationChannel?
    let log: @Sendable (String) -> Void
    let mailbox: Mailbox

    func run() {
      let host: Hypervisor.Host
      do {
        let hosts = try scenario.buildHosts(populateMemory: true)
        guard let own = hosts.first(where: { $0.name == hostName }) else {
          return finishStart(error: "\(scenario.name): no host named \(hostName)")
        }
        host = own
      } catch {
        return finishStart(error: "\(scenario.name): \(error.reason)")
      }
      let wake: @Sendable () -> Void = { [mailbox] in
        mailbox.condition.lock()
        mailbox.woken = true
        mailbox.condition.broadcast()
        mailbox.condition.unlock()
      }
      var world: DaemonWorld?
      let manager = HostManager(
        host: host, settings: settings, connect: { target in connect(target, wake) },
        emit: { event in
          world?.record(event)
          log(Self.line(event))
        })
      world = DaemonWorld(
        manager: manager, settings: settings, firstID: firstID, now: DaemonEngine.clock())
      guard let world else { return }
      var desk = CommandDesk(directory: world)
      publish(world)
      finishStart(error: nil)

      var last = DaemonEngine.clock()
      var stopping: Double?
      while true {
        mailbox.condition.lock()
        if !mailbox.woken, mailbox.accepted.isEmpty, mailbox.commands.isEmpty,
          !mailbox.stopRequested
        {
          _ = mailbox.condition.wait(until: Date(timeIntervalSinceNow: DaemonEngine.tick))
        }
        mailbox.woken = false
        let accepted = mailbox.accepted
        mailbox.accepted = []
        let commands = mailbox.commands
        mailbox.commands = []
        let stopRequested = mailbox.stopRequested
        mailbox.condition.unlock()

        let now = DaemonEngine.clock()
        world.now = now
        // A stall (a suspended process) must not become a jump in guest time.
        host.advance(seconds: min(max(0, now - last), 0.25))
        last = now
        for channel in accepted { manager.accept(channel, now: now) }
        var reports: [Int: [EngineReport]] = [:]
        for (command, client) in commands {
          // Tickets are each console's own: the desk sees the daemon's, unique across them.
          let translated = tickets.translate(command, from: client)
          let answers =
            desk.handle(translated)
            ?? [.refused(ticket: translated.ticket, lines: [Self.notHere(command)])]
          for answer in answers {
            if let (owner, report) = tickets.restore(answer) {
              reports[owner, default: []].append(report)
            }
          }
        }
        if stopRequested, stopping == nil {
          stopping = now
          log("ldmd \(hostName): stopping: cancelling migrations, destroying halves")
          manager.shutDown(now: now)
        }
        // Until nothing moves (a `where` clause would only filter: every one of the 10,000
        // steps would run, and the engine thread spun through them on each wake).
        for _ in 0..<10_000 {
          guard manager.step(until: now) else { break }
        }
        for answer in desk.answers() {
          if let (owner, report) = tickets.restore(answer) {
            reports[owner, default: []].append(report)
          }
        }
        publish(world, reports: reports)
        if let stopping, !manager.isBusy || now - stopping > 3 {
          mailbox.condition.lock()
          mailbox.stopped = true
          mailbox.condition.broadcast()
          mailbox.condition.unlock()
          return
        }
      }
    }

    /// Which console each ticket came from, so that a late answer reaches it.
    let tickets = TicketOwners()

    func publish(_ world: DaemonWorld, reports: [Int: [EngineReport]] = [:]) {
      let snapshot = world.snapshot()
      mailbox.condition.lock()
      mailbox.snapshot = snapshot
      for (sequence, event) in world.events
      where sequence > (mailbox.events.last?.sequence ?? 0) {
        mailbox.events.append((sequence, event))
      }
      while mailbox.events.count > DaemonWorld.eventLimit { mailbox.events.removeFirst() }
      for (client, answers) in reports where mailbox.attached.contains(client) {
        mailbox.reports[client, default: []] += answers
      }
      mailbox.condition.unlock()
    }

    func finishStart(error: String?) {
      mailbox.condition.lock()
      mailbox.startError = error
      mailbox.started = true
      if error != nil { mailbox.stopped = true }
      mailbox.condition.broadcast()
      mailbox.condition.unlock()
    }

    static func line(_ event: MigrationEvent) -> String {
      let about = event.domain.map { "\($0) " } ?? ""
      return "ldmd \(event.host): \(event.timestamp) \(about)\(event.message)"
    }

    static func notHere(_ command: EngineCommand) -> String {
      switch command {
      case .fault:
        "Faults are injected in the built-in simulation only; against daemons, break the"
          + " real link or stop a daemon"
      default:
        "Simulated speed, pause and step do not apply to daemons: they run on the wall clock"
      }
    }
  }
}

/// The tickets of attached consoles, renumbered for the daemon's desk so that two consoles'
/// tickets never meet, and given back with the answers (engine thread only).
///
/// Some tickets are answered more than once and some never again (a migration started at `:`
/// that succeeds), so no answer says a ticket is done: the oldest are forgotten instead, far
/// more of them than any console waits on, and a daemon that runs for months stays bounded.
final class TicketOwners: @unchecked Sendable {
  private var owners: [Int: (client: Int, ticket: Int)] = [:]
  private var order: Deque<Int> = []
  private var next = 1
  static let remembered = 4096

  func translate(_ command: EngineCommand, from client: Int) -> EngineCommand {
    let ticket = next
    next += 1
    owners[ticket] = (client, command.ticket)
    order.append(ticket)
    while order.count > Self.remembered { owners[order.removeFirst()] = nil }
    return command.replacingTicket(with: ticket)
  }

  /// The console and its own ticket for an answer of the desk.
  func restore(_ report: EngineReport) -> (Int, EngineReport)? {
    guard let ticket = report.ticket, let owner = owners[ticket] else { return nil }
    return (owner.client, report.replacingTicket(with: owner.ticket))
  }
}
