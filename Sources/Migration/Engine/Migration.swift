import Hypervisor

/// One migration of one domain from a source host to a target host, stepped through the five
/// phases by its ``Datacenter``.
///
/// Nothing may be lost: on success the target's memory equals the source's at suspension
/// (checked by digest before hand-off); on cancel or failure the target is destroyed with
/// every resource it held and the source runs on untouched.
public final class Migration {
  public let id: MigrationID
  /// The request without its password, which is dropped once authentication is done.
  public let sourceHostName: String
  public let targetHostName: String
  public let domainName: String
  public let targetName: String
  /// Whether the domain was running: a live migration. Otherwise cold (configuration only).
  public let isLive: Bool
  public let startTime: Double

  public internal(set) var phase: Phase = .preChecks
  public internal(set) var outcome: MigrationOutcome?
  public internal(set) var statistics = MigrationStatistics()
  public internal(set) var passes: [PassRecord] = []
  /// The pre-check verdicts announced so far.
  public internal(set) var announcedChecks: [PreCheckResult] = []
  /// When each phase started, in simulated seconds.
  public internal(set) var phaseStarts: [Phase: Double] = [:]
  /// Wall-clock seconds spent computing the two memory digests before hand-off (the benchmark
  /// reports page moving and verification apart).
  public internal(set) var verificationWallTime: Double = 0
  /// Wall-clock seconds spent moving pages in phases 3 and 4.
  public internal(set) var transferWallTime: Double = 0
  /// Whether hand-off has started: from then on the migration cannot be cancelled.
  public var isHandingOff: Bool { phase == .handOff && outcome == nil }
  public var isFinished: Bool { outcome != nil }

  // The live objects; released when the migration ends so memory is not held.
  var source: Host?
  var target: Host?
  var sourceDomain: Domain?
  var targetDomain: Domain?
  /// Whether this migration marked the source (a refused second migration must not unmark it).
  var ownsSource = false

  var checks: [PreCheckResult]
  var phaseEnds: Double = 0
  var pending: DirtyBitmap
  var pendingPages = 0
  var cursorWord = 0
  var passStart: Double = 0
  var passBytes: UInt64 = 0
  var passPages = 0
  var suspendTime: Double?
  var finalStateBytes: UInt64 = 0
  /// All memory and CPU state has reached the target; only the acknowledgement is missing.
  var allStateSent = false

  /// Phase 1 announces one check per interval; phase 2 and hand-off take fixed times.
  static let checkInterval = 0.04
  static let targetCreationTime = 0.3
  static let handOffTime = 0.02
  /// CPU, MMU and interrupt state sent at suspension, per virtual CPU.
  static let cpuStateBytes: UInt64 = 64 * 1024

  init(
    id: MigrationID, request: MigrationRequest, source: Host, target: Host?,
    checks: [PreCheckResult], now: Double
  ) {
    self.id = id
    sourceHostName = request.sourceHost
    targetHostName = request.targetHost
    domainName = request.domain
    targetName = request.targetName
    startTime = now
    self.source = source
    self.target = target
    self.checks = checks
    let domain = source.domain(named: request.domain)
    sourceDomain = domain
    isLive = domain?.state == .active
    pending = DirtyBitmap(pageCount: 0)
    statistics.totalBytes = domain?.memorySize ?? 0
    phaseStarts[.preChecks] = now
    phaseEnds = now + Self.checkInterval
    // Mark the source at once (FLAGS `s`), unless it may not migrate at all: a domain that is
    // already migrating belongs to the other migration.
    if let domain, checks.first(where: { $0.check == .domainState })?.passed == true {
      domain.setMigrationRole(.source)
      ownsSource = true
    }
  }

  // MARK: Stepping

  /// Advances the migration to `now`; `bandwidth` is this migration's share of the link in
  /// bytes per second (nil: unlimited).
  func step(
    from start: Double, to now: Double, bandwidth: Double?, latency: Double,
    settings: EngineSettings, stopAtPhaseChange: Bool = false, emit: (MigrationEvent) -> Void
  ) {
    var clock = start
    let startPhase = phase
    while outcome == nil, clock < now, !(stopAtPhaseChange && phase != startPhase) {
      switch phase {
      case .preChecks:
        guard phaseEnds <= now else { return }
        clock = phaseEnds
        announceNextCheck(at: clock, emit: emit)
      case .targetCreation:
        guard phaseEnds <= now else { return }
        clock = phaseEnds
        enter(.stateTransfer, at: clock, emit: emit)
      case .stateTransfer, .suspension:
        clock = transfer(
          from: clock, to: now, bandwidth: bandwidth, latency: latency,
          settings: settings, emit: emit)
      case .handOff:
        guard phaseEnds <= now else { return }
        clock = phaseEnds
        completeHandOff(at: clock, emit: emit)
      }
    }
    statistics.elapsed = now - startTime
  }

  func announceNextCheck(at time: Double, emit: (MigrationEvent) -> Void) {
    let result = checks[announcedChecks.count]
    announcedChecks.append(result)
    if result.passed {
      emit(event(time, .preCheckPassed, "pre-check \(result.check.title): \(result.detail) ✓"))
    } else {
      for line in result.failures {
        emit(event(time, .preCheckFailed, "pre-check \(result.check.title): \(line) ✗"))
      }
      fail(at: time, lines: result.failures, emit: emit)
      return
    }
    if announcedChecks.count == checks.count {
      enter(.targetCreation, at: time, emit: emit)
    } else {
      phaseEnds = time + Self.checkInterval
    }
  }

  /// Moves to `next`, announcing the change; the caller's datacenter fires faults armed for
  /// the end of the previous phase through `phaseHook`.
  func enter(_ next: Phase, at time: Double, emit: (MigrationEvent) -> Void) {
    emit(event(time, .phaseFinished, "phase \(phase.rawValue) \(phase.title.lowercased()) done"))
    let finished = phase
    phase = next
    phaseStarts[next] = time
    emit(event(time, .phaseStarted, "phase \(next.rawValue): \(next.caption)"))
    phaseHook?(self, finished, time)
    guard outcome == nil else { return }
    switch next {
    case .preChecks:
      break
    case .targetCreation:
      createTarget(at: time, emit: emit)
    case .stateTransfer:
      statistics.setupTime = time - startTime
      if isLive, let memory = sourceDomain?.memory {
        startPass(1, at: time, memory: memory)
      } else {
        emit(event(time, .passFinished, "cold migration: no run-time state to transfer"))
        enter(.suspension, at: time, emit: emit)
      }
    case .suspension:
      suspend(at: time, emit: emit)
    case .handOff:
      beginHandOff(at: time, emit: emit)
    }
  }

  /// Set by the datacenter: called after each phase change with the phase that finished.
  var phaseHook: ((Migration, Phase, Double) -> Void)?

  func createTarget(at time: Double, emit: (MigrationEvent) -> Void) {
    guard let target, let domain = sourceDomain else { return }
    do {
      targetDomain = try target.createMigrationTarget(domain.configuration, named: targetName)
      let flags = targetDomain?.flags ?? ""
      let port = targetDomain?.consolePort.map { ", console port \($0)" } ?? ""
      emit(
        event(
          time, .targetCreated,
          "target \(targetName) created on \(target.name): \(targetDomain?.state.rawValue ?? "")"
            + " \(flags)\(port)"))
      phaseEnds = time + Self.targetCreationTime
    } catch {
      fail(at: time, lines: ["\(error)"], emit: emit)
    }
  }

  func suspend(at time: Double, emit: (MigrationEvent) -> Void) {
    guard let domain = sourceDomain else { return }
    if isLive, let memory = domain.memory {
      domain.setSuspended(true)
      suspendTime = time
      pending = memory.dirty.harvest()
      pendingPages = pending.count
      cursorWord = 0
      finalStateBytes = Self.cpuStateBytes * UInt64(domain.vcpuCount)
      emit(
        event(
          time, .suspended,
          "suspended: \(pendingPages) dirty pages and the CPU state of"
            + " \(domain.vcpuCount) vCPU to send"))
    } else {
      allStateSent = true
      enter(.handOff, at: time, emit: emit)
    }
  }

  func beginHandOff(at time: Double, emit: (MigrationEvent) -> Void) {
    if isLive, let sourceMemory = sourceDomain?.memory, let targetMemory = targetDomain?.memory {
      let started = ContinuousClock.now
      statistics.sourceDigest = MemoryDigest.sha256(sourceMemory)
      statistics.targetDigest = MemoryDigest.sha256(targetMemory)
      verificationWallTime = Self.seconds(since: started)
      guard statistics.sourceDigest == statistics.targetDigest else {
        fail(
          at: time,
          lines: [
            "Memory of \(targetName) on the target does not match the"
              + " source: digest \(statistics.targetDigest!.prefix(12)) ≠"
              + " \(statistics.sourceDigest!.prefix(12))"
          ], emit: emit)
        return
      }
      emit(
        event(
          time, .handOff,
          "memory digests match (sha256 \(statistics.sourceDigest!.prefix(12))…); handing off"))
    } else {
      emit(event(time, .handOff, "configuration sent; handing off"))
    }
    phaseEnds = time + Self.handOffTime
  }

  func completeHandOff(at time: Double, emit: (MigrationEvent) -> Void) {
    guard let source, let target, let domain = sourceDomain else { return }
    let state = isLive ? DomainState.active : domain.state
    // Both calls act on domains this migration created or marked; they cannot fail here.
    try? target.completeMigrationTarget(targetName, state: state, uptime: domain.uptime)
    try? source.destroyDomain(domainName)
    if let suspendTime { statistics.actualDowntime = time - suspendTime }
    statistics.progress = 1
    statistics.remainingBytes = 0
    if isLive {
      emit(event(time, .resumed, "\(targetName) resumed on \(target.name)"))
    }
    let downtime = statistics.actualDowntime.map { ", downtime \(Units.formatDuration($0))" } ?? ""
    outcome = .completed
    emit(
      event(
        time, .completed,
        "migration complete: \(domainName) on \(sourceHostName) is now \(targetName) on"
          + " \(target.name)\(downtime)"))
    release()
  }

  // MARK: Ending

  /// Ends the migration in failure: the target is destroyed, the source resumes.
  func fail(at time: Double, lines: [String], emit: (MigrationEvent) -> Void) {
    rollBack()
    let all = lines + ["Domain Migration of LDom \(domainName) failed"]
    outcome = .failed(lines: all)
    emit(event(time, .failed, lines.joined(separator: "; ")))
    release()
  }

  /// The link failed after all state was sent: nobody knows whether the target resumed, so
  /// the source stays suspended with the error flag until `cancel-operation` clears it.
  func failAwaitingAcknowledgement(
    at time: Double, reason: String,
    emit: (MigrationEvent) -> Void
  ) {
    if let targetDomain, let target { try? target.destroyDomain(targetDomain.name) }
    targetDomain = nil
    sourceDomain?.setMigrationRole(.error)
    ownsSource = false
    let lines = [
      "\(reason) after all state was sent; \(domainName) is left suspended with the error flag"
        + " (ldm cancel-operation migration \(domainName) restores it)",
      "Domain Migration of LDom \(domainName) failed",
    ]
    outcome = .failed(lines: lines)
    emit(event(time, .failed, lines[0]))
    release()
  }

  func cancel(at time: Double, emit: (MigrationEvent) -> Void) {
    rollBack()
    outcome = .cancelled
    emit(
      event(
        time, .cancelled,
        "migration cancelled in phase \(phase.rawValue); \(targetName) destroyed on"
          + " \(targetHostName), \(domainName) runs on \(sourceHostName)"))
    release()
  }

  func rollBack() {
    if let targetDomain, let target { try? target.destroyDomain(targetDomain.name) }
    targetDomain = nil
    if ownsSource, let domain = sourceDomain {
      domain.setSuspended(false)
      domain.setMigrationRole(nil)
      domain.setThrottle(0)
    }
    ownsSource = false
  }

  /// Drops the references to live hosts and memory: a finished migration keeps numbers only.
  func release() {
    source = nil
    target = nil
    sourceDomain = nil
    targetDomain = nil
    pending = DirtyBitmap(pageCount: 0)
    checks = []
    phaseHook = nil
  }

  func event(_ time: Double, _ kind: MigrationEvent.Kind, _ message: String) -> MigrationEvent {
    MigrationEvent(
      time: time, migration: id, domain: domainName, kind: kind, phase: phase, message: message)
  }
}
