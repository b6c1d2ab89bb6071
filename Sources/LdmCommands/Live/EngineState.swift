import Engine
import Hypervisor
import Migration

/// The engine thread's logic, free of threads and clocks so it can be tested directly:
/// commands in, reports out, time advanced by a scaled wall-clock delta.
public struct EngineState {
  public let datacenter: Datacenter
  let shell: LdmShell
  public private(set) var speed: Double = 1
  public private(set) var isPaused = false
  /// Presenter mode: the phases of the running migrations when `n` was pressed.
  private var steppingFrom: [MigrationID: Phase]?
  /// What `:` lines started that has not ended yet, by the line's ticket.
  private var background: [(operation: PendingOperation, ticket: Int, answered: Bool)] = []
  /// Migrations and dry runs the migrate form started, until they answer.
  private var formRequests: [(id: MigrationID, ticket: Int)] = []
  /// Cancels that wait for the target's answer (a domain with the error flag).
  private var recoveries: [(operation: PendingOperation, ticket: Int)] = []

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
      if isPaused, let pending = result.pending, pending.migration == nil, !pending.isDryRun {
        // cancel-operation typed while paused: as for `c`, its messages cross the link.
        let shell = self.shell
        datacenter.advance(until: { shell.completion(of: pending) != nil }, limit: 2)
      }
      guard let pending = result.pending else {
        return [.commandFinished(ticket: ticket, output: output.text, status: output.status)]
      }
      if let id = pending.migration {
        // ldm would block; the console lets it run and says so, then reports a failure.
        background.append((pending, ticket, true))
        output.lines.append("Migration \(id) started; it runs in the background")
        return [.commandFinished(ticket: ticket, output: output.text, status: output.status)]
      }
      background.append((pending, ticket, false))
      return []
    case .migrate(let request, let ticket):
      do {
        let id = try datacenter.startMigration(request)
        formRequests.append((id, ticket))
        return request.dryRun ? [] : [.migrationStarted(ticket: ticket, id: id)]
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
    case .cancel(let domain, let host, let ticket):
      do {
        switch try datacenter.cancelMigration(of: domain, on: host) {
        case .recovering:
          recoveries.append((.recovery(domain: domain, host: host), ticket))
        case .cancelled(let migration):
          recoveries.append((.cancellation(migration.id), ticket))
        }
        settleWhilePaused()
        return answers()
      } catch {
        return [.refused(ticket: ticket, lines: [error.message])]
      }
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
    case .shutdown:
      break
    }
    return []
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
    reports += answers()
    return reports
  }

  /// An operator's cancel completes even while the presenter holds the clock: the cancel and
  /// the target's answer cross the link (a few milliseconds of engine time), nothing else is
  /// waited for.
  private func settleWhilePaused() {
    guard isPaused else { return }
    let shell = self.shell
    let waiting = recoveries.map(\.operation)
    datacenter.advance(
      until: { waiting.allSatisfy { shell.completion(of: $0) != nil } }, limit: 2)
  }

  /// The answers that came due: ended `:` commands, the migrate form's verdicts, recoveries.
  private mutating func answers() -> [EngineReport] {
    var reports: [EngineReport] = []
    let shell = self.shell
    let datacenter = self.datacenter
    background.removeAll { item in
      guard let output = shell.completion(of: item.operation) else { return false }
      if !item.answered || !output.succeeded {
        reports.append(
          .commandFinished(ticket: item.ticket, output: output.text, status: output.status))
      }
      return true
    }
    formRequests.removeAll { request in
      guard let migration = datacenter.migration(request.id) else { return true }
      if migration.isDryRun {
        guard migration.isFinished else { return false }
        reports.append(
          .dryRunFinished(ticket: request.ticket, results: migration.checkResults ?? []))
        return true
      }
      // Followed until its target exists: a refusal before that is the form's answer.
      if migration.targetRequested { return true }
      guard let outcome = migration.outcome else { return false }
      let failing = (migration.checkResults ?? []).flatMap(\.lines)
      let lines =
        failing.isEmpty || outcome == .cancelled
        ? MigrationText.lines(outcome, domain: migration.domainName)
        : failing + ["Domain Migration of LDom \(migration.domainName) failed"]
      reports.append(
        .migrationRefused(
          ticket: request.ticket, id: request.id, domain: migration.domainName, lines: lines))
      return true
    }
    recoveries.removeAll { item in
      guard shell.completion(of: item.operation) != nil else { return false }
      reports.append(.cancelled(ticket: item.ticket))
      return true
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
