import Engine
import Hypervisor
import Migration

/// The engine thread's logic, free of threads and clocks so it can be tested directly:
/// commands in, reports out, time advanced by a scaled wall-clock delta.
public struct EngineState {
  public let datacenter: Datacenter
  var desk: CommandDesk
  public private(set) var speed: Double = 1
  public private(set) var isPaused = false
  /// Presenter mode: the phases of the running migrations when `n` was pressed.
  private var steppingFrom: [MigrationID: Phase]?

  public static let eventsShown = 200

  public init(datacenter: Datacenter, baseDirectory: String = "") {
    self.datacenter = datacenter
    desk = CommandDesk(directory: datacenter, baseDirectory: baseDirectory)
  }

  public mutating func handle(_ command: EngineCommand) -> [EngineReport] {
    if var reports = desk.handle(command) {
      settleWhilePaused()
      reports += desk.answers()
      return reports
    }
    switch command {
    case .fault(let fault, let aim, let trigger, let ticket):
      do {
        try datacenter.inject(fault, aim: aim, when: trigger)
        return [.faultInjected(ticket: ticket, description: "\(fault) \(trigger)")]
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
    case .setSpeed(let value):
      speed = min(max(value, LiveDatacenter.speeds.first!), LiveDatacenter.speeds.last!)
    case .setPaused(let paused):
      isPaused = paused
      if !paused { steppingFrom = nil }
    case .pauseAtNextPhase:
      steppingFrom = phases()
      isPaused = false
    case .ldm, .migrate, .cancel, .shutdown:
      break
    }
    return []
  }

  /// An operator's cancel completes even while the presenter holds the clock: the cancel and
  /// the target's answer cross the link (a few milliseconds of engine time), nothing else is
  /// waited for.
  private func settleWhilePaused() {
    let waiting = desk.waitingCancels
    guard isPaused, !waiting.isEmpty else { return }
    let desk = self.desk
    datacenter.advance(until: { waiting.allSatisfy(desk.isDone) }, limit: 2)
  }

  /// Lets `wallSeconds × speed` of engine time pass, unless paused; in presenter mode it
  /// stops exactly where a migration enters its next phase.
  public mutating func advance(wallSeconds: Double) -> [EngineReport] {
    var reports: [EngineReport] = []
    if !isPaused {
      let simulated = wallSeconds * speed
      if let from = steppingFrom {
        let datacenter = self.datacenter
        // A new migration, one in a new phase, or one that ended: each is a place to stop.
        func moved() -> (MigrationID, Phase)? {
          let now = Dictionary(uniqueKeysWithValues: datacenter.running.map { ($0.id, $0.phase) })
          if let changed = now.sorted(by: { $0.key < $1.key }).first(where: {
            from[$0.key] != $0.value
          }) {
            return (changed.key, changed.value)
          }
          if let ended = from.keys.sorted().first(where: { now[$0] == nil }),
            let migration = datacenter.migration(ended)
          {
            return (ended, migration.phase)
          }
          return nil
        }
        let reached = datacenter.advance(
          until: { moved() != nil }, limit: simulated, stoppingAtPhaseChanges: true)
        if reached, let (id, phase) = moved() {
          isPaused = true
          steppingFrom = nil
          reports.append(.pausedAtPhase(id, phase))
        }
      } else {
        datacenter.advance(by: simulated)
      }
    }
    reports += desk.answers()
    return reports
  }

  /// The phase of each migration under way.
  private func phases() -> [MigrationID: Phase] {
    Dictionary(uniqueKeysWithValues: datacenter.running.map { ($0.id, $0.phase) })
  }

  public func snapshot() -> LiveSnapshot {
    LiveSnapshot(
      datacenter: datacenter.snapshot(), speed: speed, isPaused: isPaused,
      isStepping: steppingFrom != nil,
      events: Array(datacenter.recentEvents.suffix(Self.eventsShown)))
  }
}
