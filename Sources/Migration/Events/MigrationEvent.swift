import Hypervisor

/// Something that happened, stamped with engine time and the host whose manager saw it. The
/// fields are typed values; LdmCommands and the console put them into words, and
/// `--events FILE` writes them as JSON lines (docs/events.md).
public struct MigrationEvent: Sendable, Equatable, Codable {
  /// Seconds on the engine's clock.
  public var time: Double
  /// The host whose manager reports it.
  public var host: String
  /// The migration it belongs to; nil for the link and idle faults.
  public var migration: MigrationID?
  /// The domain it is about, as named on its source; nil when none.
  public var domain: String?
  /// The reporting migration's phase at the time, when it has one.
  public var phase: Phase?
  public var detail: Detail

  public init(
    time: Double, host: String, migration: MigrationID? = nil, domain: String? = nil,
    phase: Phase? = nil, detail: Detail
  ) {
    self.time = time
    self.host = host
    self.migration = migration
    self.domain = domain
    self.phase = phase
    self.detail = detail
  }

  public var kind: Kind { detail.kind }

  /// What happened, with its facts.
  public enum Detail: Sendable, Equatable, Codable {
    /// `ldm migrate` began on the source.
    case started(targetHost: String, targetName: String, user: String, live: Bool)
    case preCheck(PreCheckResult)
    case phaseStarted(Phase)
    case phaseFinished(Phase)
    /// The destination created the bound target domain.
    case targetCreated(
      targetHost: String, name: String, state: DomainState, flags: String,
      consolePort: Int?)
    /// A cold migration has no run-time state: phases 3 and 4 move nothing.
    case coldMigration
    case passFinished(PassRecord, lambda: Double, convergence: Convergence)
    /// Auto-converge throttled the guest.
    case throttled(fraction: Double, dirtyRate: Double, throughput: Double)
    /// The source suspends although the rest will not fit the downtime limit.
    case downtimeOverLimit(expected: Double, limit: Double, reason: OverLimitReason)
    case suspended(dirtyPages: Int, vcpus: Int)
    /// All state is sent: the digest went to the target with the request to resume.
    case handOffRequested(digest: String)
    /// The target compared digests and resumes (reported by the target).
    case digestsMatched(digest: String)
    /// The domain runs on the target (reported by the target), with what its decompression
    /// did when the pages came compressed.
    /// `channels`: what each page channel carried, when more than one was granted.
    case resumed(
      name: String, decompression: CompressionFigures?, channels: [ChannelFigures]? = nil)
    /// The source domain is gone; `compression` is what the codec did over the migration.
    case completed(
      targetHost: String, targetName: String, downtime: Double?, state: DomainState,
      compression: CompressionFigures?, channels: [ChannelFigures]? = nil,
      xbzrle: XBZRLEFigures? = nil)
    /// Cancelled; `targetExisted` tells whether the target had been asked to create the
    /// domain (and so destroys it), `sourceState` what the source domain is again.
    case cancelled(
      targetHost: String, targetName: String, targetExisted: Bool, sourceState: DomainState)
    case failed(MigrationFailure, errorFlag: Bool)
    /// The target destroyed its half (reported by the target).
    case targetDestroyed(name: String, reason: TeardownReason)
    /// `cancel-operation` settled a domain left with the error flag.
    case errorCleared(Recovery)
    /// A fault was armed for later.
    case faultArmed(Fault, trigger: FaultTrigger, aim: FaultAim)
    /// A fault hit this migration now.
    case faultInjected(Fault)
    /// A fault fired with nothing to act on.
    case faultWithoutMigration(Fault)
    /// The link, or one connection, changed its pacing.
    case linkSlowed(bitsPerSecond: Double, aim: FaultAim)
    /// The destination refused a connection or message from a peer (reported by the target).
    case peerRefused(peer: String, reason: String)

    public var kind: Kind {
      switch self {
      case .started: .started
      case .preCheck(let result): result.passed ? .preCheckPassed : .preCheckFailed
      case .phaseStarted: .phaseStarted
      case .phaseFinished: .phaseFinished
      case .targetCreated: .targetCreated
      case .coldMigration: .coldMigration
      case .passFinished: .passFinished
      case .throttled: .throttled
      case .downtimeOverLimit: .downtimeOverLimit
      case .suspended: .suspended
      case .handOffRequested: .handOffRequested
      case .digestsMatched: .digestsMatched
      case .resumed: .resumed
      case .completed: .completed
      case .cancelled: .cancelled
      case .failed: .failed
      case .targetDestroyed: .targetDestroyed
      case .errorCleared: .errorCleared
      case .faultArmed: .faultArmed
      case .faultInjected: .faultInjected
      case .faultWithoutMigration: .faultWithoutMigration
      case .linkSlowed: .linkSlowed
      case .peerRefused: .peerRefused
      }
    }
  }

  /// The kind of an event: its stable name in JSON.
  public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
    case started
    case preCheckPassed = "pre-check-passed"
    case preCheckFailed = "pre-check-failed"
    case phaseStarted = "phase-started"
    case phaseFinished = "phase-finished"
    case targetCreated = "target-created"
    case coldMigration = "cold-migration"
    case passFinished = "pass-finished"
    case throttled
    case downtimeOverLimit = "downtime-over-limit"
    case suspended
    case handOffRequested = "hand-off-requested"
    case digestsMatched = "digests-matched"
    case resumed
    case completed
    case cancelled
    case failed
    case targetDestroyed = "target-destroyed"
    case errorCleared = "error-cleared"
    case faultArmed = "fault-armed"
    case faultInjected = "fault-injected"
    case faultWithoutMigration = "fault-without-migration"
    case linkSlowed = "link-slowed"
    case peerRefused = "peer-refused"
  }
}

/// Why a migration suspends over its downtime limit.
public enum OverLimitReason: String, Sendable, Equatable, Codable {
  /// The maximum number of passes was reached without converging.
  case passLimit = "pass-limit"
  /// Its throughput (its share of a busy link) is too small for the rest to fit.
  case throughput
  /// Most of it went to comparing the memory digests and resuming the target, after the last
  /// pages had left (the wall clock's downtime between daemons: hashing gigabytes takes time).
  case verification
}

/// Why the destination destroyed its half of a migration.
public enum TeardownReason: String, Sendable, Equatable, Codable {
  case cancelled
  case failed
  case connectionLost = "connection-lost"
  case peerSilent = "peer-silent"
  case restarted
  case shuttingDown = "shutting-down"
  case protocolViolation = "protocol-violation"
}

/// How `cancel-operation` settled a domain left with the error flag.
public enum Recovery: String, Sendable, Equatable, Codable {
  /// The target holds nothing of it: it runs on the source again.
  case restored
  /// It resumed on the target after all: the source's copy is destroyed.
  case completedOnTarget = "completed-on-target"
  /// The target could not be asked: restored on the source, as ldm does.
  case restoredUnconfirmed = "restored-unconfirmed"
}
