import Compression
import Hypervisor

/// The source's half of one migration: it owns the source domain, talks to the destination
/// only through its channel, and steps through the five phases (or, for `ldm migrate -n`, only
/// the pre-checks).
///
/// It never sees the target host: everything about the target arrives as messages. On success
/// the source domain is destroyed once the target says it resumed; on cancel or failure the
/// source runs on untouched (or, when all state was sent but no answer came, waits with the
/// `e` flag for `cancel-operation`).
public final class SourceSide {
  public let id: MigrationID
  public let sourceHostName: String
  public let targetHostName: String
  public let domainName: String
  public let targetName: String
  public let user: String
  /// `ldm migrate -n`: pre-checks only, nothing changes.
  public let isDryRun: Bool
  /// Whether the domain was running: a live migration. Otherwise cold (configuration only).
  public let isLive: Bool
  /// The domain's state when the migration started.
  public let initialState: DomainState
  public let startTime: Double

  public internal(set) var phase: Phase = .preChecks
  public internal(set) var outcome: MigrationOutcome?
  public internal(set) var statistics = MigrationStatistics()
  public internal(set) var passes: [PassRecord] = []
  /// The verdicts announced so far.
  public internal(set) var announcedChecks: [PreCheckResult] = []
  /// Every check's verdict once the destination has answered (what a dry run reports).
  public internal(set) var checkResults: [PreCheckResult]?
  public internal(set) var phaseStarts: [Phase: Double] = [:]
  /// Wall-clock seconds spent moving pages in phases 3 and 4, and computing the digest.
  public internal(set) var transferWallTime = 0.0
  public internal(set) var verificationWallTime = 0.0
  /// CPU seconds of the process meanwhile: the digest's stripes are hashed on every core.
  public internal(set) var verificationCPUTime = 0.0
  /// What the destination calls its half, for a recovery query after a lost acknowledgement.
  public internal(set) var token: UInt64?

  /// Whether hand-off has started, so that the migration cannot be cancelled and can only
  /// complete or wait with the error flag for the target's word: from the moment HAND-OFF is
  /// handed to the connection, not only once it has left.
  /// Whatever this side does next, a written HAND-OFF may still reach the target (a closed
  /// connection delivers what was written before it), which then resumes the domain: a cancel
  /// or a roll-back then would leave the guest running on both hosts.
  public var isHandingOff: Bool { (phase == .handOff || handOffSent) && outcome == nil }
  /// HAND-OFF was written (its digest is computed just before).
  var handOffSent: Bool { sourceDigest != nil }
  public var isFinished: Bool { outcome != nil }

  let host: Host
  var domain: Domain?
  /// The connection to the destination while the migration runs (faults act on it).
  public internal(set) var channel: MigrationChannel?
  let settings: EngineSettings
  let emit: (MigrationEvent) -> Void
  /// Called after each phase change with the phase that finished (faults armed for it).
  public var onPhaseFinished: ((SourceSide, Phase, Double) -> Void)?
  /// Presenter mode: after a phase change the side stands still until ``release(at:)``.
  public var holdsAtPhaseChange = false
  public internal(set) var isHeld = false

  var password: String?
  let force: Bool
  var conversation: Conversation = .greeting
  /// The time of what the side did last; it never goes back.
  var clock: Double
  var lastSent: Double
  let connectedAt: Double
  var requestSentAt: Double?
  var shortestRoundTrip: Double?
  var nextAnnouncement: Double
  var resultsKnownAt: Double?
  /// The checks the source answers itself: domain state and direct I/O.
  var localChecks: [PreCheckResult] = []
  /// Whether this migration marked the source (a refused second one must not unmark it).
  var ownsSource = false
  /// Whether the source already said it suspends over its downtime limit.
  var announcedOverLimit = false
  /// Whether the target was asked to create the domain.
  public internal(set) var targetRequested = false
  var lastProgressPercent = -1

  // Phases 3 and 4 (SourceSide+Transfer.swift).
  var pending = DirtyBitmap(pageCount: 0)
  var pendingPages = 0
  var pendingBytes: UInt64 = 0
  var cursorWord = 0
  var passStart = 0.0
  var passStartDeparted: UInt64 = 0
  var passStartTransferred: UInt64 = 0
  var passPages = 0
  var passEndThreshold: UInt64?
  var suspendTime: Double?
  /// The version HELLO-ACCEPTED chose: it says how the hand-off digest is computed.
  var protocolVersion = ProtocolVersion.supported.lowerBound
  /// When the last pages and CPU state had been handed to the channel and the digest began:
  /// what the downtime spent after it went to verification and the target's resume.
  var handOffStartTime: Double?
  var cpuState: [[UInt8]] = []
  var cpuStatesSent = 0
  var handOffThreshold: UInt64?
  var sourceDigest: [UInt8]?
  /// All memory and CPU state has left: only the acknowledgement is missing.
  public internal(set) var allStateSent = false
  /// Compresses each batch once the hello agreed on a codec other than `none`.
  var compressor: BatchCompressor?
  /// The compressors' counts when the current pass started.
  var passStartCompression = CompressionStatistics.zero
  /// The page channels, when the destination granted more than one (SourceSide+Channels.swift).
  var pageStreams: [SourcePageStream] = []
  /// Whether the page channels' CHANNEL-SYNC of the final copy went out.
  var finalSyncSent = false
  /// Bytes sent when pages last went on leaving, and when (for ``lastSignOfLife``).
  var pagesTaken: (bytes: UInt64, time: Double?) = (0, nil)
  /// The first look after this side hashed the memory for HAND-OFF (for ``lastSignOfLife``).
  var lookedAfterHashing: Double?
  /// The pages sent again, as sent, once the hello agreed on XBZRLE for a live migration.
  var xbzrleCache: XBZRLECache?
  /// Opens another connection to the target's manager, for a page channel; nil when it
  /// cannot be reached.
  public var openPageChannel: (() -> MigrationChannel?)?

  enum Conversation {
    /// HELLO sent; waiting for HELLO-ACCEPTED.
    case greeting
    case authenticating
    case asking
    /// Every verdict known; announcing them.
    case checked
    case creating
    case transferring
    case suspending
    case awaitingResume
    /// CANCEL sent; waiting for the destination's GOODBYE.
    case cancelling
    case ended
  }

  /// Starts a migration (or a dry run) of `request.domain` on `host` over `channel` (nil
  /// when the target cannot be reached): sends the hello at once.
  public init(
    id: MigrationID, request: MigrationRequest, host: Host, channel: MigrationChannel?,
    settings: EngineSettings, now: Double, emit: @escaping (MigrationEvent) -> Void
  ) {
    self.id = id
    sourceHostName = host.name
    targetHostName = request.targetHost
    domainName = request.domain
    targetName = request.targetName
    user = request.user
    isDryRun = request.dryRun
    force = request.force
    password = request.password
    self.host = host
    self.channel = channel
    self.settings = settings
    self.emit = emit
    startTime = now
    clock = now
    lastSent = now
    connectedAt = now
    nextAnnouncement = now + MigrationTiming.checkInterval
    let domain = host.domain(named: request.domain)
    self.domain = domain
    isLive = domain?.state == .active
    initialState = domain?.state ?? .inactive
    statistics.totalBytes = domain?.memorySize ?? 0
    phaseStarts[.preChecks] = now
    // The source's own verdicts, taken before this migration marks the domain.
    localChecks = domain.map { [SourceChecks.state(of: $0), SourceChecks.directIO($0)] } ?? []
    if !isDryRun, let domain, localChecks[0].passed {
      // FLAGS `s` at once; a domain already migrating belongs to the other migration.
      domain.setMigrationRole(.source)
      ownsSource = true
    }
    if !isDryRun {
      emitEvent(
        .started(
          targetHost: targetHostName, targetName: targetName, user: user, live: isLive))
    }
    guard let channel, request.targetHost != host.name else {
      let failure: PreCheckFailure =
        channel == nil ? .unreachable(host: request.targetHost) : .targetIsSource(host: host.name)
      channel?.close(at: now)
      self.channel = nil
      know([
        PreCheckResult(
          .targetReachable, .targetUnreachable(host: request.targetHost), failures: [failure])
      ])
      return
    }
    send(
      .hello(
        Hello(
          purpose: isDryRun ? .dryRun : .migrate, sourceHost: host.name,
          targetHost: request.targetHost, migration: UInt64(id.rawValue),
          codecs: offeredCodecs.map(\.protocolCode), channels: settings.channels,
          features: askedFeatures)), on: channel)
    requestSentAt = now
  }

  // MARK: Stepping

  /// Does everything due by `now`: messages that arrived, announcements, pass ends, keepalives,
  /// timeouts, then sends as much as the channel takes. Returns whether anything happened.
  @discardableResult
  public func step(until now: Double) -> Bool {
    var progress = false
    if sourceDigest != nil, lookedAfterHashing == nil { lookedAfterHashing = now }
    for _ in 0..<1_000_000 {
      guard outcome == nil, !isHeld else { break }
      let arrival = channel?.nextArrival(by: now)
      let timer = nextTimer(until: now)
      if let arrival, arrival <= (timer?.time ?? .infinity),
        let (frame, at) = channel?.receive(by: now)
      {
        clock = max(clock, at)
        receive(frame)
      } else if let timer {
        clock = max(clock, timer.time)
        perform(timer.action, until: now)
      } else {
        break
      }
      progress = true
    }
    if outcome == nil, !isHeld { progress = sendWhileWritable(until: now) || progress }
    statistics.elapsed = max(statistics.elapsed, (outcome == nil ? now : clock) - startTime)
    return progress
  }

  /// Lets a side held at a phase change move again.
  public func release() { isHeld = false }

  enum TimerAction {
    case announce
    case passEnded(at: Double)
    case stateSent(at: Double)
    case keepalive
    case timedOut
  }

  func nextTimer(until now: Double) -> (time: Double, action: TimerAction)? {
    var best: (time: Double, action: TimerAction)?
    func offer(_ time: Double, _ action: TimerAction) {
      if time <= now, time < (best?.time ?? .infinity) { best = (time, action) }
    }
    if conversation == .checked, let known = resultsKnownAt {
      offer(isDryRun ? known : max(nextAnnouncement, known), .announce)
    }
    if channel != nil, let threshold = passEndThreshold ?? handOffThreshold {
      let departed = departed(by: now)
      if departed.bytes >= threshold {
        offer(
          departed.time,
          passEndThreshold != nil ? .passEnded(at: departed.time) : .stateSent(at: departed.time))
      }
    }
    if let channel, channel.closure == nil, conversation != .ended {
      offer(lastSent + MigrationTiming.keepaliveInterval, .keepalive)
      offer(lastSignOfLife(channel, by: now) + MigrationTiming.peerTimeout, .timedOut)
    }
    if let channel, channel.closure != nil, conversation != .ended {
      // A target that loses a page connection ends the migration by closing the main one,
      // and on a busy machine that close can be heard before the page connection's own reset:
      // a close by the peer while pages flow on their own connections is judged a moment
      // later, so that a page connection's failure heard meanwhile is named as the cause.
      if channel.closure == .peer, !pageStreams.isEmpty {
        let judged = (channel.closedAt ?? clock) + MigrationTiming.closeGrace
        if judged <= now { offer(max(clock, judged), .timedOut) }
      } else {
        offer(min(now, max(clock, channel.closedAt ?? clock)), .timedOut)
      }
    }
    if channel != nil, let closed = closedPageStream?.channel, conversation != .ended {
      offer(min(now, max(clock, closed.closedAt ?? clock)), .timedOut)
    }
    return best
  }

  /// When the target last showed it is alive: a frame from it, or a batch's worth of pages
  /// taken since the last such sign. A connection's buffers stop taking pages within a few MiB
  /// of a peer that stopped reading, so pages that keep leaving show a target that reads them,
  /// while its keepalives, behind a busy connection's writes on a loaded machine, can come
  /// seconds late (5 s was seen with both cores oversubscribed). Keepalives and other small
  /// frames leaving show nothing: a buffer takes them long after the link is gone.
  ///
  /// The target hashes its memory for the hand-off while this side hashes the same memory,
  /// and says nothing meanwhile: its silence counts from this side's first look after its
  /// own hashing, which for a large domain or a busy machine lasts longer than the timeout.
  func lastSignOfLife(_ channel: MigrationChannel, by now: Double) -> Double {
    let heard = channel.lastActivity(by: now) ?? connectedAt
    var (bytes, latest) = channel.departed(by: now)
    for stream in pageStreams {
      let departed = stream.channel.departed(by: now)
      bytes += departed.bytes
      latest = max(latest, departed.time)
    }
    if bytes >= pagesTaken.bytes + UInt64(MigrationTiming.batchPages * GuestMemory.pageSize) {
      pagesTaken = (bytes, latest)
    }
    return max(heard, pagesTaken.time ?? connectedAt, lookedAfterHashing ?? connectedAt)
  }

  func perform(_ action: TimerAction, until now: Double) {
    switch action {
    case .announce:
      announceNext()
    case .passEnded(let time):
      passEndThreshold = nil
      finishPass(at: time)
    case .stateSent(let time):
      handOffThreshold = nil
      allStateSent = true
      enter(.handOff, at: time)
    case .keepalive:
      sendKeepalive()
    case .timedOut:
      lostConnection()
    }
  }

  // MARK: Messages

  func receive(_ frame: [UInt8]) {
    let message: MigrationMessage
    do {
      message = try MessageCodec.decode(frame: frame)
    } catch {
      violation(error.reason)
      return
    }
    handle(message)
  }

  func handle(_ message: MigrationMessage) {
    switch (conversation, message) {
    case (.cancelling, _):
      // Whatever the destination says now, its half is gone once it has heard the cancel;
      // its GOODBYE says so.
      if case .goodbye = message { cancelled() }
    case (_, .error(let error)):
      fail(failure(for: error))
    case (_, .keepalive), (.transferring, .passAcknowledged), (.suspending, .passAcknowledged),
      (.awaitingResume, .passAcknowledged):
      break
    case (.greeting, .helloAccepted(let accepted)):
      guard ProtocolVersion.supported.contains(accepted.version) else {
        violation(
          "HELLO-ACCEPTED chose version \(accepted.version), which this side does not speak")
        return
      }
      protocolVersion = accepted.version
      guard let codec = CompressionCodec(protocolCode: accepted.codec),
        offeredCodecs.contains(codec)
      else {
        violation("HELLO-ACCEPTED chose codec \(accepted.codec), which this side did not offer")
        return
      }
      guard (1...settings.channels).contains(accepted.channels) else {
        violation(
          "HELLO-ACCEPTED grants \(accepted.channels) channels; this side asked for"
            + " \(settings.channels)")
        return
      }
      guard askedFeatures.isSuperset(of: accepted.features) else {
        violation(
          "HELLO-ACCEPTED grants features 0x\(String(accepted.features.rawValue, radix: 16)),"
            + " more than this side asked for")
        return
      }
      agree(on: codec)
      if accepted.features.contains(.xbzrle) {
        xbzrleCache = XBZRLECache(bytes: settings.xbzrleCacheBytes)
        statistics.xbzrle = XBZRLEFigures(cacheBytes: settings.xbzrleCacheBytes)
      }
      guard openPageChannels(accepted.channels, codec: codec) else { return }
      noteRoundTrip()
      conversation = .authenticating
      send(.authenticate(user: user, password: password ?? ""))
      requestSentAt = clock
    case (.authenticating, .authenticated(let ok)):
      noteRoundTrip()
      password = nil
      let reachable = PreCheckResult(.targetReachable, .targetAnswered(host: targetHostName))
      let authenticated = PreCheckResult(
        .authentication, .authenticated(user: user, host: targetHostName),
        failures: ok ? [] : [.authenticationFailed(user: user, host: targetHostName)])
      guard ok else { return know([reachable, authenticated]) }
      guard let domain else {
        return know([reachable, authenticated, SourceChecks.missing(domainName)])
      }
      conversation = .asking
      send(
        .preCheckQuestion(
          MigrationRequirements(domain: domain, on: host, targetName: targetName, force: force)))
      requestSentAt = clock
    case (.asking, .preCheckAnswer(let answers)):
      noteRoundTrip()
      let expected = PreCheck.allCases.filter(\.answeredByDestination)
      guard answers.allSatisfy({ expected.contains($0.check) }),
        Set(answers.map(\.check)).count == answers.count
      else {
        violation("PRE-CHECK-ANSWER holds checks the destination does not own, or one twice")
        return
      }
      let local = [
        PreCheckResult(.targetReachable, .targetAnswered(host: targetHostName)),
        PreCheckResult(.authentication, .authenticated(user: user, host: targetHostName)),
      ]
      know(SourceChecks.merged(local: local + localChecks, remote: answers))
    case (.creating, .targetCreated(let created)):
      token = created.token
      emitEvent(
        .targetCreated(
          targetHost: targetHostName, name: created.name, state: created.state,
          flags: created.flags, consolePort: created.consolePort))
      enter(.stateTransfer, at: clock)
    case (.awaitingResume, .resumed(let digest)):
      complete(targetDigest: digest)
    case (.suspending, .resumed(let digest)) where handOffThreshold != nil:
      // Over a socket the answer can come before this side has seen its last write complete;
      // the answer proves the whole state left.
      handOffThreshold = nil
      allStateSent = true
      enter(.handOff, at: clock)
      if outcome == nil { complete(targetDigest: digest) }
    case (_, .goodbye):
      lostConnection()
    default:
      violation("\(message.name) is not expected while \(conversation)")
    }
  }

  /// The codecs the hello offers, the configured one first; `none` always works.
  /// XBZRLE for a live migration whose settings ask for it: a dry run or a cold migration
  /// sends no page twice.
  var askedFeatures: StreamFeatures {
    settings.xbzrle && isLive && !isDryRun ? [.xbzrle] : []
  }

  /// Whether pages now go for the second time or more (a pass after the first, or the final
  /// copy) with XBZRLE agreed: they are cached and may go as differences.
  var resending: Bool {
    xbzrleCache != nil && (conversation == .suspending || statistics.pass >= 2)
  }

  /// The pass pages now go in, for the XBZRLE cache: the final copy is the one after the last.
  var cachePass: Int {
    conversation == .suspending ? statistics.pass + 1 : statistics.pass
  }

  /// Whether `page`, about to be sent, goes into the XBZRLE cache: every page sent again, and
  /// in the first pass those the guest wrote since the pass began (they go again in the next).
  func caches(_ page: Int, memory: GuestMemory) -> Bool {
    resending || memory.dirty.contains(page)
  }

  var offeredCodecs: [CompressionCodec] {
    settings.compression == .none ? [.none] : [settings.compression, .none]
  }

  /// Compresses every batch from now on with `codec` (nothing to do for `none`).
  func agree(on codec: CompressionCodec) {
    guard codec != .none else { return }
    compressor = BatchCompressor(
      codec: codec, maximumBatchBytes: MigrationTiming.batchPages * PageRecord.normalBytes)
    statistics.compression = CompressionFigures(codec: codec)
  }

  func noteRoundTrip() {
    guard let sent = requestSentAt else { return }
    let trip = clock - sent
    shortestRoundTrip = min(shortestRoundTrip ?? trip, trip)
    requestSentAt = nil
  }

  /// The one-way latency as this side measures it: half the shortest round trip.
  var measuredLatency: Double { (shortestRoundTrip ?? 0) / 2 }

  func send(_ message: MigrationMessage, on channel: MigrationChannel? = nil) {
    send(frame: MessageCodec.encode(message), on: channel)
  }

  func send(frame: [UInt8], on explicit: MigrationChannel? = nil) {
    guard let channel = explicit ?? channel else { return }
    channel.send(frame, at: clock)
    statistics.transferredBytes += UInt64(frame.count)
    lastSent = clock
  }

  func sendKeepalive() {
    send(
      .keepalive(
        progress: conversation == .transferring || conversation == .suspending
          ? statistics.progress : nil))
  }

}
