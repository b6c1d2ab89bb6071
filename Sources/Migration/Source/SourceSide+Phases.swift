import Compression
import Hypervisor

/// Phases 1, 2 and 5 as the source sees them: the verdicts announced, the phase changes, and
/// every way a migration ends (completed, failed, lost, or waiting with the `e` flag).
extension SourceSide {
  /// Every verdict is known: announce them (a dry run ends at once).
  func know(_ results: [PreCheckResult]) {
    checkResults = results
    resultsKnownAt = clock
    conversation = .checked
  }

  func announceNext() {
    guard let results = checkResults else { return }
    if isDryRun {
      announcedChecks = results
      send(.goodbye)
      outcome =
        results.allSatisfy(\.passed)
        ? .completed : .failed(.preCheck(results.flatMap(\.failures)[0]))
      finish()
      return
    }
    let time = max(nextAnnouncement, resultsKnownAt ?? nextAnnouncement)
    clock = max(clock, time)
    let result = results[announcedChecks.count]
    announcedChecks.append(result)
    emitEvent(.preCheck(result))
    if !result.passed {
      fail(.preCheck(result.failures[0]))
      return
    }
    if announcedChecks.count == results.count {
      enter(.targetCreation, at: clock)
    } else {
      nextAnnouncement = time + MigrationTiming.checkInterval
    }
  }

  // MARK: Phases

  /// Moves to `next`, announcing the change; faults armed for the end of the previous phase
  /// fire through ``onPhaseFinished`` before the next one does anything.
  func enter(_ next: Phase, at time: Double) {
    clock = max(clock, time)
    emitEvent(.phaseFinished(phase))
    let finished = phase
    phase = next
    phaseStarts[next] = clock
    emitEvent(.phaseStarted(next))
    onPhaseFinished?(self, finished, clock)
    guard outcome == nil else { return }
    if holdsAtPhaseChange { isHeld = true }
    switch next {
    case .preChecks:
      break
    case .targetCreation:
      requestTarget()
    case .stateTransfer:
      statistics.setupTime = clock - startTime
      if isLive, let memory = domain?.memory {
        startPass(1, memory: memory)
      } else {
        emitEvent(.coldMigration)
        enter(.suspension, at: clock)
      }
    case .suspension:
      suspend()
    case .handOff:
      conversation = .awaitingResume
      emitEvent(.handOffRequested(digest: MigrationDigest.hex(sourceDigest ?? [])))
    }
  }

  func requestTarget() {
    guard let domain else { return }
    conversation = .creating
    targetRequested = true
    send(.createTarget(TargetRequest(configuration: domain.configuration, name: targetName)))
  }

  // MARK: Ending

  func complete(targetDigest: [UInt8]) {
    guard targetDigest == sourceDigest else {
      violation("RESUMED carries a digest that is not the one this side sent")
      return
    }
    statistics.targetDigest = MigrationDigest.hex(targetDigest)
    if let suspendTime {
      // The target resumed half a round trip before its answer arrived.
      statistics.actualDowntime = max(measuredLatency, clock - suspendTime - measuredLatency)
    }
    let state = isLive ? DomainState.active : domain?.state ?? .inactive
    // The domain this migration marked; destroying it cannot fail.
    try? host.destroyDomain(domainName)
    statistics.progress = 1
    statistics.remainingBytes = 0
    statistics.estimatedTimeLeft = 0
    outcome = .completed
    // Said once: when the pass limit forced the suspension, the log already knows why.
    if !announcedOverLimit, let downtime = statistics.actualDowntime,
      downtime > settings.downtimeLimit
    {
      // Over daemons the clock is the wall's, and hashing a large domain's memory on both
      // sides can take longer than its last pages did: the reason names what took the time.
      let lastCopy = (handOffStartTime ?? clock) - (suspendTime ?? clock)
      let reason: OverLimitReason = downtime - lastCopy > lastCopy ? .verification : .throughput
      emitEvent(
        .downtimeOverLimit(expected: downtime, limit: settings.downtimeLimit, reason: reason))
    }
    emitEvent(
      .completed(
        targetHost: targetHostName, targetName: targetName, downtime: statistics.actualDowntime,
        state: state, compression: statistics.compression, channels: statistics.channels,
        xbzrle: statistics.xbzrle))
    send(.goodbye)
    finish()
  }

  /// Ends the migration in failure: the source resumes and the destination is told.
  func fail(_ failure: MigrationFailure) {
    if allStateSent || handOffSent {
      return failAwaitingAcknowledgement(failure)
    }
    rollBack()
    outcome = .failed(failure)
    if !isDryRun { emitEvent(.failed(failure, errorFlag: false)) }
    finish()
  }

  /// All state was sent and then the connection failed: nobody knows whether the target
  /// resumed, so the source stays suspended with the error flag until `cancel-operation`.
  func failAwaitingAcknowledgement(_ failure: MigrationFailure) {
    domain?.setMigrationRole(.error)
    ownsSource = false
    outcome = .failed(failure, errorFlag: true)
    emitEvent(.failed(failure, errorFlag: true))
    finish()
  }

  /// The peer broke the protocol: it is told why, and the migration fails.
  func violation(_ reason: String) {
    send(.error(.protocolViolation(reason)))
    fail(.protocolViolation(peer: targetHostName, reason: reason))
  }

  func lostConnection() {
    if conversation == .cancelling { return cancelled() }
    if conversation == .greeting {
      // The target's ldmd never answered the hello (a connection that could not be made, or
      // one refused at once): the first pre-check fails, as ldm reports it.
      channel?.close(at: clock)
      channel = nil
      return know([
        PreCheckResult(
          .targetReachable, .targetUnreachable(host: targetHostName),
          failures: [.unreachable(host: targetHostName)])
      ])
    }
    // A page connection that failed is the cause even when the main one is closed too: a
    // target that loses a page connection ends the migration by closing the main one, and
    // which of the two the source hears of first is a race.
    if let stream = closedPageStream, channel?.closure == nil || channel?.closure == .peer {
      return fail(
        .channelLost(
          target: targetHostName, channel: stream.index, cause: stream.channel.closure ?? .reset))
    }
    let closure = channel?.closure
    switch closure {
    case .linkDown?:
      fail(.connectionLost(target: targetHostName, cause: .linkDown))
    case .peer?, .local?:
      fail(.connectionLost(target: targetHostName, cause: .peer))
    case .reset?, nil:
      fail(.targetStoppedResponding(target: targetHostName))
    }
  }

  func failure(for error: PeerError) -> MigrationFailure {
    switch error {
    case .versionMismatch(let theirs):
      .versionMismatch(target: targetHostName, ours: ProtocolVersion.supported, theirs: theirs)
    case .protocolViolation(let reason):
      .protocolViolation(peer: sourceHostName, reason: reason)
    case .targetRefused(let reason): .targetRefused(target: targetHostName, reason: reason)
    case .outOfMemory(let domain): .targetOutOfMemory(target: targetHostName, domain: domain)
    case .digestMismatch(let target):
      .digestMismatch(
        domain: targetName, target: String(MigrationDigest.hex(target).prefix(12)),
        source: String(MigrationDigest.hex(sourceDigest ?? []).prefix(12)))
    case .shuttingDown: .targetShuttingDown(target: targetHostName)
    }
  }

  /// `ldm cancel-operation migration`: the destination is told to destroy its half and the
  /// source resumes. Refused once hand-off has begun.
  public func cancel(at time: Double) throws(HypervisorError) {
    guard !isHandingOff else {
      throw HypervisorError(
        "Migration of domain \(domainName) is in hand-off and can no longer be cancelled")
    }
    guard outcome == nil, conversation != .cancelling else { return }
    clock = max(clock, time)
    // The source runs again at once; the cancel ends when the destination says its half is
    // gone (or the connection ends, when the destination destroys it on its own).
    rollBack()
    guard channel?.closure == nil, channel != nil else { return cancelled() }
    send(.cancel)
    conversation = .cancelling
    passEndThreshold = nil
    handOffThreshold = nil
  }

  /// Whether the cancel waits for the destination to confirm.
  public var isCancelling: Bool { conversation == .cancelling && outcome == nil }

  func cancelled() {
    outcome = .cancelled
    emitEvent(
      .cancelled(
        targetHost: targetHostName, targetName: targetName, targetExisted: targetRequested,
        sourceState: domain?.state ?? .inactive))
    finish()
  }

  /// A fault or the engine ends the connection under the migration.
  public func connectionFailed(at time: Double) {
    guard outcome == nil else { return }
    clock = max(clock, time)
    lostConnection()
  }

  func rollBack() {
    if ownsSource, let domain {
      domain.setSuspended(false)
      domain.setMigrationRole(nil)
      domain.setThrottle(0)
    }
    ownsSource = false
  }

  /// Closes the channel and drops the live objects: a finished migration keeps numbers only.
  func finish() {
    conversation = .ended
    channel?.close(at: clock)
    channel = nil
    for stream in pageStreams { stream.channel.close(at: clock) }
    refreshChannelFigures()
    pageStreams = []
    domain = nil
    pending = DirtyBitmap(pageCount: 0)
    cpuState = []
    onPhaseFinished = nil
    openPageChannel = nil
    compressor = nil
    // The manager keeps the last finished migrations for their figures: what they held for
    // sending (the XBZRLE cache is up to 4 GiB) goes now, not when they fall off that list.
    xbzrleCache = nil
  }

  /// Whether an ended migration let go of everything it held for sending: the domain and its
  /// memory, the connections, the dirty log, the compressor and the XBZRLE cache.
  public var holdsNothing: Bool {
    domain == nil && channel == nil && pageStreams.isEmpty && pending.pageCount == 0
      && cpuState.isEmpty && compressor == nil && xbzrleCache == nil && openPageChannel == nil
  }

  func emitEvent(_ detail: MigrationEvent.Detail) {
    emit(
      MigrationEvent(
        time: clock, host: sourceHostName, migration: id, domain: domainName, phase: phase,
        detail: detail))
  }
}
