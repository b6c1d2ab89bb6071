import Hypervisor
import Migration

/// The engine thread's logic, free of threads and clocks so it can be tested directly:
/// commands in, reports out, simulated time advanced by a scaled wall-clock delta.
public struct EngineState {
  public let datacenter: Datacenter
  let shell: LdmShell
  public private(set) var speed: Double = 1
  public private(set) var isPaused = false
  /// Presenter mode: the phases of the running migrations when `n` was pressed.
  private var steppingFrom: [MigrationID: Phase]?
  /// `ldm migrate` lines started at the `:` prompt, whose failure is reported when it ends.
  private var backgroundMigrations: [MigrationID: Int] = [:]

  public static let eventsShown = 200

  public init(datacenter: Datacenter, baseDirectory: String = "") {
    self.datacenter = datacenter
    shell = LdmShell(datacenter: datacenter, baseDirectory: baseDirectory)
  }

  public mutating func handle(_ command: EngineCommand) -> [EngineReport] {
    switch command {
    case .ldm(let line, let host, let ticket, let password):
      let result = shell.run(line, on: host, password: password)
      var output = result.output
      if let id = result.migration {
        backgroundMigrations[id] = ticket
        output.lines.append("Migration \(id) started; it runs in the background")
      }
      return [.commandFinished(ticket: ticket, output: output.text, status: output.status)]
    case .migrate(let request, let ticket):
      return migrate(request, ticket: ticket)
    case .cancel(let domain, let host, let ticket):
      do {
        try datacenter.cancelMigration(of: domain, on: host)
        return [.cancelled(ticket: ticket)]
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
    case .fault(let fault, let trigger, let ticket):
      do {
        try datacenter.inject(fault, when: trigger)
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
    case .shutdown:
      break
    }
    return []
  }

  /// The migrate form: refused at once with every failing pre-check (as a dry run lists
  /// them), answered with the checks for a dry run, or started.
  mutating func migrate(_ request: MigrationRequest, ticket: Int) -> [EngineReport] {
    let results: [PreCheckResult]
    do {
      results = try datacenter.dryRun(request)
    } catch {
      return [.refused(ticket: ticket, lines: [error.message])]
    }
    if request.dryRun { return [.dryRunFinished(ticket: ticket, results: results)] }
    let failures = results.flatMap(\.failures)
    guard failures.isEmpty else {
      return [
        .refused(
          ticket: ticket, lines: failures + ["Domain Migration of LDom \(request.domain) failed"])
      ]
    }
    do {
      return [.migrationStarted(ticket: ticket, id: try datacenter.startMigration(request))]
    } catch {
      return [.refused(ticket: ticket, lines: [error.message])]
    }
  }

  /// Lets `wallSeconds × speed` of simulated time pass, unless paused; in presenter mode it
  /// stops exactly where a migration enters its next phase.
  public mutating func advance(wallSeconds: Double) -> [EngineReport] {
    var reports: [EngineReport] = []
    if !isPaused {
      let simulated = wallSeconds * speed
      if let from = steppingFrom {
        // A new migration, one in a new phase, or one that ended: each is a place to stop.
        func moved() -> (MigrationID, Phase)? {
          let now = phases()
          if let changed = now.first(where: { from[$0.key] != $0.value }) {
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
    for (id, ticket) in backgroundMigrations {
      guard let output = shell.completion(of: id) else { continue }
      backgroundMigrations[id] = nil
      if !output.succeeded {
        reports.append(.commandFinished(ticket: ticket, output: output.text, status: output.status))
      }
    }
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
