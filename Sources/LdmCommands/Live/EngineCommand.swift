import Engine
import Hypervisor
import Migration

/// What the console asks of the engine thread. Every command that answers carries a ticket;
/// the answer comes back as an ``EngineReport`` with the same ticket.
public enum EngineCommand: Sendable, Equatable, Codable {
  /// An ldm command line typed at `:` on `host`. A `migrate` started this way runs on in
  /// the background; its failure, if any, is reported later as a command output.
  /// `password` answers the `Target Password:` prompt of an `ldm migrate` without `-p`
  /// (the console asked for it); nil means nobody could be asked.
  case ldm(line: String, host: String, ticket: Int, password: String? = nil)
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

/// The engine thread's answers.
public enum EngineReport: Sendable, Equatable, Codable {
  case commandFinished(ticket: Int, output: String, status: Int32)
  case migrationStarted(ticket: Int, id: MigrationID)
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

/// What the engine thread publishes after every slice.
public struct LiveSnapshot: Sendable, Equatable, Codable {
  public var datacenter: DatacenterSnapshot
  public var speed: Double
  public var isPaused: Bool
  /// Presenter mode is waiting for the next phase.
  public var isStepping: Bool
  /// The newest events, oldest first.
  public var events: [MigrationEvent]

  public init(
    datacenter: DatacenterSnapshot, speed: Double, isPaused: Bool, isStepping: Bool,
    events: [MigrationEvent]
  ) {
    self.datacenter = datacenter
    self.speed = speed
    self.isPaused = isPaused
    self.isStepping = isStepping
    self.events = events
  }
}
