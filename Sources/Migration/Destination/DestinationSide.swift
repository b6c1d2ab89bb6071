import Compression
import Hypervisor

/// The destination's half of one connection: it alone reads and changes the target host. It
/// answers the pre-check questions, creates and holds the bound `-----t` domain, decodes pages
/// into that domain's memory, checks its own digest against the source's, resumes the domain
/// at hand-off, and destroys its half on cancel, on failure, on a protocol violation, or when
/// the connection is lost or the source falls silent.
public final class DestinationSide {
  public let host: Host
  let channel: MigrationChannel
  let emit: (MigrationEvent) -> Void
  let policy: DestinationPolicy

  /// Who called and why, once the hello arrived.
  public internal(set) var sourceHost = ""
  public internal(set) var migration: MigrationID?
  public internal(set) var purpose: ConnectionPurpose?
  /// The domain's name on the source and on this host.
  public internal(set) var domainName: String?
  public internal(set) var targetName: String?
  /// The migration's progress as the source last reported it.
  public internal(set) var progress = 0.0
  public internal(set) var isFinished = false
  /// Whether the domain runs here now.
  public internal(set) var hasResumed = false
  /// Wall-clock seconds spent computing the digest of what arrived (the benchmark reports it
  /// apart from moving pages).
  public internal(set) var verificationWallTime = 0.0
  /// CPU seconds of the process meanwhile: the digest's stripes are hashed on every core.
  public internal(set) var verificationCPUTime = 0.0
  /// The version this side chose from the source's HELLO: it says how the digest is computed.
  var protocolVersion = ProtocolVersion.supported.lowerBound
  /// Names this half for a recovery query.
  public let token: UInt64
  /// The next allocation for the incoming domain fails (target-oom).
  public var refusesAllocations = false

  var target: Domain?
  var state: State = .awaitingHello
  var clock: Double
  var lastSent: Double
  let connectedAt: Double
  /// A reply held back until its work is done (binding the target, resuming, a failed login).
  var delayed: (time: Double, action: DelayedAction)?
  var lastPass = 0
  var passPages = 0
  var expectedVCPUs = 0
  var cpuStates: [Int: [UInt8]] = [:]
  /// The digest of everything the final copy brought, once it all arrived.
  var finalDigest: [UInt8]?
  var verifiedDigest: [UInt8] = []
  /// Whether the domain arrives running: its memory and CPU state come before the hand-off.
  var isLive = false
  /// Decompresses the batches once the hello agreed on a codec other than `none`.
  var decompressor: BatchDecompressor?
  /// The codec the hello agreed on.
  var codec = CompressionCodec.none
  /// Channels granted in HELLO-ACCEPTED; more than one means page connections of their own.
  public internal(set) var granted = 1
  /// The stream features the hello agreed on.
  public internal(set) var features: StreamFeatures = []
  /// The page connections that joined (DestinationSide+Channels.swift).
  var pageStreams: [DestinationPageStream] = []
  /// An END-PASS or HAND-OFF that waits for every page channel's CHANNEL-SYNC; the main
  /// connection is not read meanwhile.
  var heldMessage: MigrationMessage?
  /// When the hello was accepted: the page channels have the peer timeout from then to join.
  var acceptedAt: Double?
  /// TARGET-CREATED, held while a granted page channel has not joined yet.
  var createdAwaitingChannels: TargetCreated?
  /// Guards the target memory's allocation of fresh pages while channels apply in parallel.
  let allocation = PageAllocationLock()
  /// Set when this connection turned out to be a page channel: its CHANNEL-JOIN, for the
  /// manager to hand the connection to the migration it names.
  public internal(set) var join: ChannelJoin?

  /// The codec the hello agreed on and what decompressing cost so far, on the main connection
  /// and every page channel together; nil while pages come uncompressed.
  public var decompression: CompressionFigures? {
    decompressor.map { main in
      CompressionFigures(
        codec: main.codec,
        statistics: pageStreams.reduce(main.statistics) {
          $0 + ($1.decompressor?.statistics ?? .zero)
        })
    }
  }

  enum State: Equatable {
    case awaitingHello
    case awaitingAuthentication
    case refusedAuthentication
    case authenticated
    case creating
    case created
    case inPass(Int)
    case suspended
    case verifying
    case resumed
    case awaitingRecoveryQuery
    case ended
  }

  enum DelayedAction {
    case targetReady(TargetCreated)
    case resume(HandOffRequest)
    case refuseAuthentication
  }

  public init(
    host: Host, channel: MigrationChannel, token: UInt64, policy: DestinationPolicy,
    now: Double, emit: @escaping (MigrationEvent) -> Void
  ) {
    self.host = host
    self.channel = channel
    self.token = token
    self.policy = policy
    self.emit = emit
    clock = now
    lastSent = now
    connectedAt = now
  }

  /// The connection this side was accepted on.
  public var connection: MigrationChannel { channel }
  /// The time of what this side did last.
  public var time: Double { clock }

  /// Whether a bound half-made target is held here.
  public var holdsTarget: Bool { target != nil && !hasResumed }

  // MARK: Stepping

  /// Handles what arrived and what fell due by `now`; returns whether anything happened.
  @discardableResult
  public func step(until now: Double) -> Bool {
    var progress = false
    for _ in 0..<1_000_000 {
      guard !isFinished else { break }
      let arrival = heldMessage == nil ? channel.nextArrival(by: now) : nil
      let pageArrival = nextPageArrival(by: now)
      let due = delayed.map { $0.time <= now ? $0.time : nil } ?? nil
      let closed = pageStreams.first { $0.channel.closure != nil }?.channel
      // A keepalive is due in the time order of the frames: a destination working through a
      // backlog still tells the source it is alive each second of it, or the source would
      // hear nothing until the backlog is gone and give up on a target that is only behind.
      let keepalive =
        state == .awaitingHello
        ? nil : lastSent + MigrationTiming.keepaliveInterval
      let beforeArrivals = min(due ?? .infinity, keepalive ?? .infinity)
      if let arrival, arrival <= min(beforeArrivals, pageArrival ?? .infinity),
        let (frame, at) = channel.receive(by: now)
      {
        clock = max(clock, at)
        receive(frame)
      } else if let pageArrival, pageArrival <= beforeArrivals {
        receivePages(by: now)
      } else if let due, let action = delayed?.action {
        clock = max(clock, due)
        delayed = nil
        perform(action)
      } else if let ended = channel.closure != nil ? channel : closed {
        clock = max(clock, min(now, ended.closedAt ?? clock))
        connectionEnded()
      } else if let missing = missingChannel(by: now) {
        clock = max(clock, acceptedAt.map { $0 + MigrationTiming.peerTimeout } ?? clock)
        violation("page channel \(missing) of the \(granted) granted never joined")
      } else if silenceEnds(by: now) <= now {
        clock = max(clock, silenceEnds(by: now))
        tearDown(.peerSilent)
        end()
      } else if lastSent + MigrationTiming.keepaliveInterval <= now, state != .awaitingHello {
        clock = max(clock, lastSent + MigrationTiming.keepaliveInterval)
        send(.keepalive(progress: nil))
      } else {
        break
      }
      progress = true
    }
    return progress
  }

  /// When the source's silence becomes a timeout.
  func silenceEnds(by now: Double) -> Double {
    let heard = pageStreams.compactMap { $0.channel.lastActivity(by: now) }
    return ((heard + [channel.lastActivity(by: now) ?? connectedAt]).max() ?? connectedAt)
      + MigrationTiming.peerTimeout
  }

  func receive(_ frame: [UInt8]) {
    do {
      handle(try MessageCodec.decode(frame: frame))
    } catch {
      violation(error.reason)
    }
  }

  func handle(_ message: MigrationMessage) {
    switch (state, message) {
    case (_, .keepalive(let reported)):
      if let reported { progress = reported }
    case (_, .cancel):
      tearDown(.cancelled)
      send(.goodbye)
      end()
    case (_, .error):
      tearDown(.failed)
      end()
    case (_, .goodbye):
      if holdsTarget { tearDown(.failed) }
      end()
    case (.awaitingHello, .hello(let hello)):
      greet(hello)
    case (.awaitingHello, .joinChannel(let join)):
      // A page connection: the manager hands it to its migration's half.
      self.join = join
      state = .ended
      isFinished = true
    case (.awaitingAuthentication, .authenticate(let user, let password)):
      // Passwords are compared and dropped here, never kept or logged.
      if host.users[user] == password, !user.isEmpty {
        policy.succeeded(from: sourceHost)
        state = .authenticated
        send(.authenticated(true))
      } else {
        state = .refusedAuthentication
        delayed = (clock + policy.failed(from: sourceHost), .refuseAuthentication)
      }
    case (.authenticated, .preCheckQuestion(let needs)):
      domainName = needs.domain
      send(.preCheckAnswer(TargetChecks.evaluate(needs, on: host)))
    case (.authenticated, .createTarget(let request)) where purpose == .migrate:
      create(request)
    case (.created, .beginPass(let number, _)) where number == lastPass + 1:
      state = .inPass(number)
      lastPass = number
      passPages = 0
      resetChannelPass()
    case (.inPass(let number), .pages(let batch)) where batch.pass == number:
      apply(batch)
    case (.inPass(let number), .compressedPages(let batch)) where batch.pass == number:
      applyCompressed(batch)
    case (.inPass(let number), .endPass(let end)) where end.number == number:
      guard granted == 1 || allChannelsSynced(number) else {
        heldMessage = message
        return
      }
      guard end.pages == passPages else {
        return violation(
          "END-PASS counts \(end.pages) pages; \(passPages) arrived in pass \(number)")
      }
      progress = end.progress
      state = .created
      send(.passAcknowledged(number: number, pagesReceived: passPages))
    case (.created, .suspend(_, let vcpus)) where isLive:
      guard vcpus == target?.vcpuCount else {
        return violation(
          "SUSPEND announces \(vcpus) vCPUs for a domain of \(target?.vcpuCount ?? 0)")
      }
      expectedVCPUs = vcpus
      state = .suspended
      resetChannelPass()
    case (.suspended, .pages(let batch)) where batch.pass == 0:
      apply(batch)
    case (.suspended, .compressedPages(let batch)) where batch.pass == 0:
      applyCompressed(batch)
    case (.suspended, .cpuState(let vcpu, let bytes)):
      guard vcpu < expectedVCPUs, cpuStates[vcpu] == nil else {
        return violation("CPU-STATE for vCPU \(vcpu) of \(expectedVCPUs), or twice")
      }
      cpuStates[vcpu] = bytes
      hashIfComplete()
    case (.suspended, .handOff(let request)):
      guard granted == 1 || allChannelsSynced(0) else {
        heldMessage = message
        return
      }
      verify(request)
    case (.created, .handOff(let request)) where !isLive:
      // A cold migration: no run-time state comes before the hand-off.
      verify(request)
    case (.awaitingRecoveryQuery, .recoveryQuery(let token, let domain)):
      send(.recoveryAnswer(policy.recovery(token, domain)))
    default:
      violation("\(message.name) is not expected here (\(state))")
    }
  }

  func perform(_ action: DelayedAction) {
    switch action {
    case .targetReady(let created):
      // The pages may start once this is sent: every page channel must be there first.
      guard pageStreams.count == granted || granted == 1 else {
        createdAwaitingChannels = created
        return
      }
      state = .created
      send(.targetCreated(created))
    case .resume(let request):
      resume(request)
    case .refuseAuthentication:
      send(.authenticated(false))
    }
  }

  // MARK: Conversation

  func greet(_ hello: Hello) {
    sourceHost = hello.sourceHost
    migration = MigrationID(Int(truncatingIfNeeded: hello.migration))
    purpose = hello.purpose
    guard let version = ProtocolVersion.negotiate(ProtocolVersion.supported, hello.versions) else {
      emitEvent(
        .peerRefused(
          peer: hello.sourceHost,
          reason: "protocol versions \(hello.versions.lowerBound)...\(hello.versions.upperBound)"
            + " and \(ProtocolVersion.supported.lowerBound)...\(ProtocolVersion.supported.upperBound)"
            + " have none in common"))
      send(.error(.versionMismatch(supported: ProtocolVersion.supported)))
      return end()
    }
    protocolVersion = version
    guard hello.targetHost == host.name else {
      send(.error(.targetRefused("this is \(host.name), not \(hello.targetHost)")))
      return end()
    }
    state = hello.purpose == .recovery ? .awaitingRecoveryQuery : .awaitingAuthentication
    features = hello.purpose == .migrate ? hello.features.intersection(.known) : []
    // The source's first offer this side knows; `none` when it offers nothing known.
    let codec = hello.codecs.lazy.compactMap(CompressionCodec.init(protocolCode:)).first ?? .none
    self.codec = codec
    granted = hello.purpose == .migrate ? min(hello.channels, Self.maximumChannels) : 1
    acceptedAt = clock
    if codec != .none {
      decompressor = BatchDecompressor(
        codec: codec, maximumBatchBytes: ProtocolLimits.maxBatchPages * PageRecord.normalBytes)
    }
    send(
      .helloAccepted(
        HelloAccepted(
          version: version, host: host.name, codec: codec.protocolCode, channels: granted,
          features: features)))
  }

  func create(_ request: TargetRequest) {
    domainName = request.configuration.name
    isLive = request.configuration.state == .active
    guard !refusesAllocations else {
      refusesAllocations = false
      send(.error(.outOfMemory(domain: request.configuration.name)))
      return end()
    }
    do {
      let domain = try host.createMigrationTarget(request.configuration, named: request.name)
      target = domain
      targetName = request.name
      state = .creating
      delayed = (
        clock + MigrationTiming.targetCreation,
        .targetReady(
          TargetCreated(
            name: domain.name, state: domain.state, flags: domain.flags,
            consolePort: domain.consolePort, token: token))
      )
    } catch {
      send(.error(.targetRefused("\(error)")))
      end()
    }
  }

  /// Decompresses a batch with the agreed codec, then decodes it; a batch in another codec, or
  /// one that does not decompress, ends the migration as a protocol violation.
  func applyCompressed(_ batch: CompressedPageBatch) {
    guard let decompressor else {
      return violation("PAGES-COMPRESSED in \(batch.codec), but no compression was agreed")
    }
    do {
      apply(try batch.decompressed(with: decompressor))
    } catch {
      violation(error.reason)
    }
  }

  /// Decodes a batch into the target's memory, straight from the frame.
  func apply(_ batch: PageBatch) {
    guard let memory = target?.memory else {
      return violation("PAGES for a domain that has no memory here")
    }
    guard batch.highestPage < memory.pageCount else {
      return violation(
        "PAGES names page \(batch.highestPage) of a domain with \(memory.pageCount) pages")
    }
    guard features.contains(.xbzrle) || batch.deltaCount == 0 else {
      return violation(Self.unagreedXBZRLE)
    }
    var refused = false
    var missing: Int?
    batch.forEachRecord { page, content in
      guard !refused, missing == nil else { return }
      switch content {
      case .zero:
        memory.zeroPage(page)
      case .page(let bytes):
        if refusesAllocations, !memory.isResident(page) {
          refused = true
          return
        }
        memory.storageForOverwrite(ofPage: page).copyMemory(
          from: bytes, byteCount: GuestMemory.pageSize)
      case .delta(let delta):
        guard let storage = memory.existingStorage(ofPage: page) else {
          missing = page
          return
        }
        delta.apply(to: storage)
      }
    }
    if let missing { return violation(Self.deltaWithoutPage(missing)) }
    if refused { return refuseAllocation() }
    passPages += batch.count
  }

  /// The target-oom fault: a fresh page could not be had, so the migration ends.
  func refuseAllocation() {
    refusesAllocations = false
    send(.error(.outOfMemory(domain: domainName ?? targetName ?? "")))
    tearDown(.failed)
    end()
  }

  /// Hashes what arrived as soon as it is all here (every vCPU's state, and the final pages
  /// on every channel), without waiting for HAND-OFF: the source hashes the same memory at the
  /// same time, so between two machines the downtime holds one hashing, not two in a row.
  /// Nothing writes the target's memory after this: the guest runs nowhere until it resumes.
  func hashIfComplete() {
    guard state == .suspended, isLive, finalDigest == nil, cpuStates.count == expectedVCPUs,
      granted == 1 || allChannelsSynced(0)
    else { return }
    finalDigest = digest()
  }

  /// The digest of the target's memory and the vCPUs' states, as the negotiated version says.
  private func digest() -> [UInt8] {
    let states = (0..<expectedVCPUs).map { cpuStates[$0]! }
    let started = ContinuousClock.now
    let startedCPU = ProcessCPU.seconds()
    defer {
      verificationWallTime += (ContinuousClock.now - started).inSeconds
      verificationCPUTime += ProcessCPU.seconds() - startedCPU
    }
    return MigrationDigest.sha256(
      isLive ? target?.memory : nil, cpuState: states, version: protocolVersion)
  }

  func verify(_ request: HandOffRequest) {
    guard cpuStates.count == expectedVCPUs, target != nil else {
      return violation("HAND-OFF before the CPU state of every vCPU arrived")
    }
    let digest = finalDigest ?? digest()
    guard digest == request.digest else {
      send(.error(.digestMismatch(target: digest)))
      tearDown(.failed)
      return end()
    }
    state = .verifying
    verifiedDigest = digest
    emitEvent(.digestsMatched(digest: MigrationDigest.hex(digest)))
    delayed = (clock + MigrationTiming.resume, .resume(request))
  }

  func resume(_ request: HandOffRequest) {
    guard target != nil, let name = targetName else { return }
    // The domain this side created; completing it cannot fail.
    try? host.completeMigrationTarget(
      name, state: request.state, uptime: request.uptime + MigrationTiming.resume)
    hasResumed = true
    state = .resumed
    cpuStates = [:]
    policy.resumed(token, name)
    if request.state == .active {
      emitEvent(
        .resumed(name: name, decompression: decompression, channels: channelFigures))
    }
    send(.resumed(digest: verifiedDigest))
  }

  // MARK: Ending

  /// The connection ended under the conversation.
  func connectionEnded() {
    if holdsTarget { tearDown(.connectionLost) }
    end()
  }

  /// The peer broke the protocol: told why, and its half is destroyed.
  func violation(_ reason: String) {
    emitEvent(.peerRefused(peer: sourceHost.isEmpty ? "?" : sourceHost, reason: reason))
    send(.error(.protocolViolation(reason)))
    tearDown(.protocolViolation)
    end()
  }

  /// Destroys the half-made target, returning every resource it held.
  public func tearDown(_ reason: TeardownReason) {
    guard let target, !hasResumed else { return }
    try? host.destroyDomain(target.name)
    self.target = nil
    emitEvent(.targetDestroyed(name: target.name, reason: reason))
  }

  /// The manager stops or restarts: the half is destroyed and the connection reset.
  public func abandon(_ reason: TeardownReason, at time: Double) {
    clock = max(clock, time)
    tearDown(reason)
    for connection in [channel] + pageStreams.map(\.channel) {
      if let connection = connection as? InProcessChannel {
        connection.reset(at: clock)
      } else {
        connection.close(at: clock)
      }
    }
    end()
  }

  func end() {
    state = .ended
    isFinished = true
    delayed = nil
    heldMessage = nil
    // A page connection handed to its migration stays open: it is that migration's now.
    if join == nil { channel.close(at: clock) }
    for stream in pageStreams { stream.channel.close(at: clock) }
    cpuStates = [:]
    if hasResumed { target = nil }
  }

  func send(_ message: MigrationMessage) {
    channel.send(MessageCodec.encode(message), at: clock)
    lastSent = clock
  }

  func emitEvent(_ detail: MigrationEvent.Detail) {
    emit(
      MigrationEvent(
        time: clock, host: host.name, migration: migration, domain: domainName, detail: detail))
  }
}
