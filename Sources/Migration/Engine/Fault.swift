import Hypervisor

/// A failure injected for a demo or a test. Each must leave both hosts consistent.
public enum Fault: Sendable, Equatable, CustomStringConvertible {
  /// The link between the hosts goes down: migrations in flight lose their connection.
  case linkDown
  /// The target cannot allocate memory for the incoming domain.
  case targetOutOfMemory
  /// The target's Logical Domains Manager crashes; on restart it removes half-made domains.
  case targetCrash
  /// The link slows to this many bits per second, from then on.
  case slowLink(bitsPerSecond: Double)

  public var description: String {
    switch self {
    case .linkDown: "link-down"
    case .targetOutOfMemory: "target-oom"
    case .targetCrash: "target-crash"
    case .slowLink(let bits): "slow-link \(Units.formatRate(bits))"
    }
  }
}

/// When an injected fault fires.
public enum FaultTrigger: Sendable, Equatable, CustomStringConvertible {
  case now
  /// When a migration finishes this phase (and before the next one does anything).
  case afterPhase(Phase)
  /// After this many simulated seconds.
  case afterDelay(Double)

  public var description: String {
    switch self {
    case .now: "now"
    case .afterPhase(let phase): "after phase \(phase.rawValue) (\(phase.identifier))"
    case .afterDelay(let seconds): "after \(Units.formatDuration(seconds))"
    }
  }
}

struct ArmedFault: CustomStringConvertible {
  var fault: Fault
  var trigger: FaultTrigger
  /// For a delay: the simulated time it fires at.
  var due: Double?
  var description: String { "\(fault) \(trigger)" }
}

extension Datacenter {
  /// Injects a fault now or arms it for later.
  public func inject(_ fault: Fault, when trigger: FaultTrigger) throws(HypervisorError) {
    switch trigger {
    case .now:
      if case .slowLink = fault {
        apply(fault, to: [], at: now)
        return
      }
      guard !running.isEmpty else {
        throw HypervisorError("No migration is in progress for fault \(fault) to act on")
      }
      apply(fault, to: running, at: now)
      retireFinished()
    case .afterPhase(let phase):
      guard phase != .handOff else {
        throw HypervisorError("Hand-off is the last phase; nothing comes after it")
      }
      armedFaults.append(ArmedFault(fault: fault, trigger: trigger, due: nil))
    case .afterDelay(let seconds):
      armedFaults.append(ArmedFault(fault: fault, trigger: trigger, due: now + seconds))
    }
  }

  func fireTimedFaults(upTo end: Double) {
    guard armedFaults.contains(where: { $0.due.map { $0 <= end } ?? false }) else { return }
    let due = armedFaults.filter { $0.due.map { $0 <= end } ?? false }
    armedFaults.removeAll { $0.due.map { $0 <= end } ?? false }
    for armed in due { apply(armed.fault, to: running, at: armed.due ?? now) }
    retireFinished()
  }

  func fireFaults(armedAfter phase: Phase, on migration: Migration, at time: Double) {
    guard let index = armedFaults.firstIndex(where: { $0.trigger == .afterPhase(phase) }) else {
      return
    }
    let armed = armedFaults.remove(at: index)
    apply(armed.fault, to: [migration], at: time)
  }

  func apply(_ fault: Fault, to migrations: [Migration], at time: Double) {
    if case .slowLink(let bits) = fault {
      settings.link.bitsPerSecond = bits
      record(
        MigrationEvent(
          time: time, migration: MigrationID(0), domain: "", kind: .fault,
          message: "fault: link slowed to \(Units.formatRate(bits))"))
      return
    }
    for migration in migrations where !migration.isFinished {
      record(
        migration.event(
          time, .fault, "fault injected: \(fault) in phase \(migration.phase.rawValue)"))
      let target = migration.targetHostName
      switch fault {
      case .linkDown, .targetCrash:
        let reason =
          fault == .linkDown
          ? "Lost connection with the target machine \(target): link down"
          : "ldmd(1m) on target \(target) stopped responding"
        if migration.allStateSent {
          migration.failAwaitingAcknowledgement(at: time, reason: reason, emit: record)
        } else {
          migration.fail(at: time, lines: [reason], emit: record)
        }
      case .targetOutOfMemory:
        if migration.allStateSent {
          record(
            migration.event(
              time, .fault, "target out of memory after all state arrived: no effect"))
        } else {
          migration.fail(
            at: time,
            lines: [
              "Target machine \(target) ran out of memory for domain"
                + " \(migration.targetName)"
            ], emit: record)
        }
      case .slowLink:
        break
      }
    }
  }
}
