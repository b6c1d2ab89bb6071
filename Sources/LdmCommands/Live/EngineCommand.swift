import Engine
import Hypervisor
import Migration

/// What the console asks of the engine thread. Every command that answers carries a ticket;
/// the answer comes back as an ``EngineReport`` with the same ticket.
public enum EngineCommand: Sendable, Equatable, Codable {
  /// An ldm command line typed at `:` on `host`. A `migrate` started this way runs on in
  /// the background; its failure, if any, is reported later as a command output.
  /// `password` answers the `Target Password:` prompt of an `ldm migrate` without `-p`
  /// (the console asked for it); nil means nobody could be asked. `foreground` (for
  /// `run --connect`) answers a `migrate` once, when the migration ends, as ldm would block.
  case ldm(
    line: String, host: String, ticket: Int, password: String? = nil, foreground: Bool = false)
  /// The migrate form. The migration starts in phase 1 at once (`.migrationStarted`), as
  /// `ldm migrate` does; if a pre-check then fails, `.migrationRefused` lists every failing
  /// check (as a dry run lists them). A dry run answers `.dryRunFinished`.
  case migrate(MigrationRequest, ticket: Int)
  /// `c`: cancel the migration of `domain`, asked on `host`.
  case cancel(domain: String, host: String, ticket: Int)
  case fault(Fault, FaultAim, FaultTrigger, ticket: Int)
  /// Simulated seconds per wall second (¼ … 16).
  case setSpeed(Double)
  case setPaused(Bool)
  /// Presenter mode: run until a migration under way enters its next phase, then pause.
  case pauseAtNextPhase
  case shutdown
}

extension EngineCommand {
  /// The ticket the answers will carry (0 for the commands nobody answers).
  public var ticket: Int {
    switch self {
    case .ldm(_, _, let ticket, _, _), .migrate(_, let ticket), .cancel(_, _, let ticket),
      .fault(_, _, _, let ticket):
      ticket
    case .setSpeed, .setPaused, .pauseAtNextPhase, .shutdown: 0
    }
  }

  /// The same command under another ticket (a daemon renumbers its consoles' tickets).
  public func replacingTicket(with ticket: Int) -> EngineCommand {
    switch self {
    case .ldm(let line, let host, _, let password, let foreground):
      .ldm(line: line, host: host, ticket: ticket, password: password, foreground: foreground)
    case .migrate(let request, _): .migrate(request, ticket: ticket)
    case .cancel(let domain, let host, _): .cancel(domain: domain, host: host, ticket: ticket)
    case .fault(let fault, let aim, let trigger, _): .fault(fault, aim, trigger, ticket: ticket)
    case .setSpeed, .setPaused, .pauseAtNextPhase, .shutdown: self
    }
  }
}

/// The engine thread's answers.
public enum EngineReport: Sendable, Equatable, Codable {
  case commandFinished(ticket: Int, output: String, status: Int32)
  case migrationStarted(ticket: Int, id: MigrationID)
  /// The `ldm migrate` of a `:` line (ticket) runs as this migration (its end is followed
  /// through the snapshots; a failure comes as `.commandFinished` too).
  case backgroundMigration(ticket: Int, id: MigrationID)
  /// The migration the form started ended before its target existed: ldm's lines, every
  /// failing pre-check first.
  case migrationRefused(ticket: Int, id: MigrationID, domain: String, lines: [String])
  case dryRunFinished(ticket: Int, results: [PreCheckResult])
  /// A refused request: the lines ldm would print.
  case refused(ticket: Int, lines: [String])
  case cancelled(ticket: Int)
  case faultInjected(ticket: Int, description: String)
  /// Presenter mode stopped the clock at the start of `phase`.
  case pausedAtPhase(MigrationID, Phase)
}

extension EngineReport {
  /// The ticket of the command answered (nil for what answers no command).
  public var ticket: Int? {
    switch self {
    case .commandFinished(let ticket, _, _), .migrationStarted(let ticket, _),
      .backgroundMigration(let ticket, _), .migrationRefused(let ticket, _, _, _),
      .dryRunFinished(let ticket, _), .refused(let ticket, _), .cancelled(let ticket),
      .faultInjected(let ticket, _):
      ticket
    case .pausedAtPhase: nil
    }
  }

  /// The same answer under another ticket.
  public func replacingTicket(with ticket: Int) -> EngineReport {
    switch self {
    case .commandFinished(_, let output, let status):
      .commandFinished(ticket: ticket, output: output, status: status)
    case .migrationStarted(_, let id): .migrationStarted(ticket: ticket, id: id)
    case .backgroundMigration(_, let id): .backgroundMigration(ticket: ticket, id: id)
    case .migrationRefused(_, let id, let domain, let lines):
      .migrationRefused(ticket: ticket, id: id, domain: domain, lines: lines)
    case .dryRunFinished(_, let results): .dryRunFinished(ticket: ticket, results: results)
    case .refused(_, let lines): .refused(ticket: ticket, lines: lines)
    case .cancelled: .cancelled(ticket: ticket)
    case .faultInjected(_, let description):
      .faultInjected(ticket: ticket, description: description)
    case .pausedAtPhase: self
    }
  }
}

/// What the engine thread publishes after every slice.
public struct LiveSnapshot: Sendable, Equatable, Codable {
  public var datacenter: DatacenterSnapshot
  public var speed: Double
  public var isPaused: Bool
  /// Presenter mode is waiting for the next phase.
  public var isStepping: Bool
  /// The newest events, oldest first.
  public var events: [MigrationEvent]
  /// Whose clock the engine runs on: the built-in simulation's, or the wall clock of daemons
  /// (where speed, pause, step and injected faults do not apply).
  public var clock: EngineClock
  /// Hosts whose daemon cannot be reached now, with the reason (the console shows it on the
  /// host's pane and reconnects).
  public var unreachable: [String: String]

  public init(
    datacenter: DatacenterSnapshot, speed: Double, isPaused: Bool, isStepping: Bool,
    events: [MigrationEvent], clock: EngineClock = .simulated, unreachable: [String: String] = [:]
  ) {
    self.datacenter = datacenter
    self.speed = speed
    self.isPaused = isPaused
    self.isStepping = isStepping
    self.events = events
    self.clock = clock
    self.unreachable = unreachable
  }
}

/// The clock an engine runs on.
public enum EngineClock: String, Sendable, Equatable, Codable {
  /// The built-in simulation: time scaled, paused, stepped.
  case simulated
  /// Daemons: real time (event times are Unix time).
  case wallClock = "wall-clock"
}
