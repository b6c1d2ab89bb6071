import Hypervisor
import Migration

/// A fault waiting for its moment.
struct ArmedFault: CustomStringConvertible {
  var fault: Fault
  var trigger: FaultTrigger
  var aim: FaultAim
  /// For a delay: the time it fires at.
  var due: Double?

  var description: String {
    switch aim {
    case .link: "\(fault) \(trigger)"
    case .migration(let domain): "\(fault) on \(domain) \(trigger)"
    }
  }
}

/// Faults are what happens to the wire or to a peer: the link closes connections or changes
/// its pacing, the destination refuses an allocation or its process dies. The sides notice as
/// they would on a real network.
extension Datacenter {
  /// Injects a fault now or arms it for later.
  public func inject(_ fault: Fault, aim: FaultAim = .link, when trigger: FaultTrigger)
    throws(HypervisorError)
  {
    switch trigger {
    case .now:
      if case .slowLink = fault, aim == .link {
        apply(fault, aim: aim, to: [], at: now)
        return
      }
      let targets = try migrations(aimedAt: aim)
      guard !targets.isEmpty else {
        throw HypervisorError("No migration is in progress for fault \(fault) to act on")
      }
      apply(fault, aim: aim, to: targets, at: now)
    case .afterPhase(let phase):
      guard phase != .handOff else {
        throw HypervisorError("Hand-off is the last phase; nothing comes after it")
      }
      arm(ArmedFault(fault: fault, trigger: trigger, aim: aim, due: nil))
    case .afterDelay(let seconds):
      arm(ArmedFault(fault: fault, trigger: trigger, aim: aim, due: now + seconds))
    }
  }

  func arm(_ armed: ArmedFault) {
    armedFaults.append(armed)
    record(
      MigrationEvent(
        time: now, host: hosts.first?.name ?? "",
        detail: .faultArmed(armed.fault, trigger: armed.trigger, aim: armed.aim)))
  }

  /// The migrations a fault aims at, under way now.
  func migrations(aimedAt aim: FaultAim) throws(HypervisorError) -> [SourceSide] {
    switch aim {
    case .link:
      return running
    case .migration(let domain):
      let aimed = running.filter { $0.domainName == domain }
      guard !aimed.isEmpty else {
        throw HypervisorError("No migration of domain \(domain) is in progress")
      }
      return aimed
    }
  }

  /// When the next timed fault fires, if one is armed.
  var nextFaultDue: Double? {
    armedFaults.compactMap(\.due).min()
  }

  func fireTimedFaults(upTo end: Double) {
    guard armedFaults.contains(where: { ($0.due ?? .infinity) <= end }) else { return }
    let due = armedFaults.filter { ($0.due ?? .infinity) <= end }
    armedFaults.removeAll { ($0.due ?? .infinity) <= end }
    for armed in due {
      let time = max(now, armed.due ?? now)
      if case .slowLink = armed.fault, armed.aim == .link {
        apply(armed.fault, aim: armed.aim, to: [], at: time)
        continue
      }
      let targets = (try? migrations(aimedAt: armed.aim)) ?? []
      if targets.isEmpty {
        record(
          MigrationEvent(
            time: time, host: hosts.first?.name ?? "",
            domain: { if case .migration(let domain) = armed.aim { domain } else { nil } }(),
            detail: .faultWithoutMigration(armed.fault)))
      } else {
        apply(armed.fault, aim: armed.aim, to: targets, at: time)
      }
    }
  }

  func fireFaults(armedAfter phase: Phase, on migration: SourceSide, at time: Double) {
    guard
      let index = armedFaults.firstIndex(where: {
        $0.trigger == .afterPhase(phase)
          && ($0.aim == .link || $0.aim == .migration(domain: migration.domainName))
      })
    else { return }
    let armed = armedFaults.remove(at: index)
    apply(armed.fault, aim: armed.aim, to: [migration], at: time)
  }

  func apply(_ fault: Fault, aim: FaultAim, to migrations: [SourceSide], at time: Double) {
    if case .slowLink(let bits) = fault {
      if aim == .link {
        settings.link.bitsPerSecond = bits
      } else {
        for migration in migrations {
          // The migration's rate is capped, whatever number of connections carries it.
          let connections = migration.connections.compactMap { $0 as? InProcessChannel }
          for channel in connections {
            link.cap(channel, bytesPerSecond: bits / 8 / Double(connections.count))
          }
        }
      }
      record(
        MigrationEvent(
          time: time, host: migrations.first?.sourceHostName ?? hosts.first?.name ?? "",
          migration: migrations.count == 1 ? migrations[0].id : nil,
          domain: migrations.count == 1 ? migrations[0].domainName : nil,
          detail: .linkSlowed(bitsPerSecond: bits, aim: aim)))
      return
    }
    for migration in migrations where !migration.isFinished {
      record(
        MigrationEvent(
          time: time, host: migration.sourceHostName, migration: migration.id,
          domain: migration.domainName, phase: migration.phase, detail: .faultInjected(fault)))
      let destination = manager(named: migration.targetHostName)
      let half = destination?.incoming(of: migration.id, from: migration.sourceHostName)
      switch fault {
      case .linkDown:
        link.fail(migration.connections.compactMap { $0 as? InProcessChannel }, .linkDown, at: time)
      case .targetCrash:
        if let half {
          destination?.restart(now: time, only: [half])
        } else {
          for channel in migration.connections.compactMap({ $0 as? InProcessChannel }) {
            channel.reset(at: time)
          }
        }
      case .targetOutOfMemory:
        half?.refusesAllocations = true
      case .slowLink:
        break
      }
    }
    settle()
  }
}
