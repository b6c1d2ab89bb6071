import Hypervisor

/// Everything the two sides of a migration say to each other (docs/protocol.md). The source
/// speaks first; each message is one frame on the channel.
public enum MigrationMessage: Sendable, Equatable {
  /// Source → destination, first: versions spoken, purpose, who is calling.
  case hello(Hello)
  /// Destination → source: the version chosen.
  case helloAccepted(HelloAccepted)
  /// Source → destination: the target host's user and password (inside TLS between daemons).
  case authenticate(user: String, password: String)
  /// Destination → source.
  case authenticated(Bool)
  /// Source → destination: what the domain needs; the destination answers every check it owns.
  case preCheckQuestion(MigrationRequirements)
  case preCheckAnswer([PreCheckResult])
  /// Source → destination, phase 2: create and hold the bound `-----t` domain.
  case createTarget(TargetRequest)
  /// Destination → source: created (sent once its resources are bound).
  case targetCreated(TargetCreated)
  /// Source → destination, phase 3: a pre-copy pass starts with this many pages to send.
  case beginPass(number: Int, pages: Int)
  /// A batch of page records (pass 0 is the final copy while suspended).
  case pages(PageBatch)
  /// A batch whose records are compressed with the codec the hello agreed on.
  case compressedPages(CompressedPageBatch)
  case endPass(EndOfPass)
  /// Destination → source: a pass arrived whole.
  case passAcknowledged(number: Int, pagesReceived: Int)
  /// Source → destination, phase 4: the guest is stopped; the last pages and CPU state follow.
  case suspend(dirtyPages: Int, vcpus: Int)
  /// One virtual CPU's state, sent while suspended.
  case cpuState(vcpu: Int, bytes: [UInt8])
  /// Source → destination: everything was sent; check it and resume.
  case handOff(HandOffRequest)
  /// Destination → source, phase 5: the domain runs on the target; its own digest of what it
  /// received, which matched.
  case resumed(digest: [UInt8])
  /// Source → destination: stop; destroy the target domain.
  case cancel
  /// Either side: the conversation ends for this reason.
  case error(PeerError)
  /// Either side, when it has had nothing else to say for a while; the source also carries
  /// its progress so that the target can show it.
  case keepalive(progress: Double?)
  /// Source → destination after a lost acknowledgement: does the domain run there?
  case recoveryQuery(token: UInt64, domain: String)
  case recoveryAnswer(RecoveryState)
  /// Either side: the conversation is over, by agreement.
  case goodbye
  /// Source → destination, the first frame on each page connection of a migration that was
  /// granted more than one channel: which migration and which of its channels it carries.
  case joinChannel(ChannelJoin)
  /// Source → destination on a page connection: the channel carried all its batches of a
  /// pass (0: the final copy), this many pages.
  case channelSync(pass: Int, pages: Int)

  /// The message's name in docs/protocol.md and in error lines.
  public var name: String { MessageType(self).name }
}

/// Why a connection was opened.
public enum ConnectionPurpose: UInt8, Sendable, Equatable {
  case migrate = 1
  case dryRun = 2
  case recovery = 3
}

public struct Hello: Sendable, Equatable {
  public var versions: ClosedRange<Int>
  public var purpose: ConnectionPurpose
  public var sourceHost: String
  /// The host the source believes it is calling.
  public var targetHost: String
  public var migration: UInt64
  /// Compression codecs the source offers, by their protocol code; `none` (0) always works.
  public var codecs: [UInt8]
  /// Parallel streams the source asks for.
  public var channels: Int
  /// Features the source asks for (``StreamFeatures``).
  public var features: StreamFeatures

  public init(
    versions: ClosedRange<Int> = ProtocolVersion.supported, purpose: ConnectionPurpose,
    sourceHost: String, targetHost: String, migration: UInt64, codecs: [UInt8] = [0],
    channels: Int = 1, features: StreamFeatures = []
  ) {
    self.versions = versions
    self.purpose = purpose
    self.sourceHost = sourceHost
    self.targetHost = targetHost
    self.migration = migration
    self.codecs = codecs
    self.channels = channels
    self.features = features
  }
}

/// Optional parts of the page stream, asked for in HELLO and granted in HELLO-ACCEPTED, one
/// bit each. A destination grants those it knows of those asked; bits it does not know it
/// leaves out.
public struct StreamFeatures: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Pages sent again may go as XBZRLE records (docs/protocol.md).
  public static let xbzrle = StreamFeatures(rawValue: 1)
  /// Every feature this side knows.
  public static let known: StreamFeatures = [.xbzrle]
}

public struct HelloAccepted: Sendable, Equatable {
  public var version: Int
  public var host: String
  public var codec: UInt8
  public var channels: Int
  /// The features granted: some of those asked for.
  public var features: StreamFeatures

  public init(
    version: Int, host: String, codec: UInt8 = 0, channels: Int = 1,
    features: StreamFeatures = []
  ) {
    self.version = version
    self.host = host
    self.codec = codec
    self.channels = channels
    self.features = features
  }
}

/// Names the migration a page connection belongs to and its place among the granted channels.
public struct ChannelJoin: Sendable, Equatable {
  /// The host the migration leaves, as its HELLO named it.
  public var sourceHost: String
  /// The migration id of its HELLO.
  public var migration: UInt64
  /// From 0 to the granted channels less one.
  public var index: Int

  public init(sourceHost: String, migration: UInt64, index: Int) {
    self.sourceHost = sourceHost
    self.migration = migration
    self.index = index
  }
}

/// What phase 2 asks the destination to create.
public struct TargetRequest: Sendable, Equatable {
  public var configuration: DomainConfiguration
  /// The name on the target (a rename when it differs).
  public var name: String

  public init(configuration: DomainConfiguration, name: String) {
    self.configuration = configuration
    self.name = name
  }
}

public struct TargetCreated: Sendable, Equatable {
  public var name: String
  public var state: DomainState
  public var flags: String
  public var consolePort: Int?
  /// Names this migration's half on the destination, for a recovery query.
  public var token: UInt64

  public init(name: String, state: DomainState, flags: String, consolePort: Int?, token: UInt64) {
    self.name = name
    self.state = state
    self.flags = flags
    self.consolePort = consolePort
    self.token = token
  }
}

public struct EndOfPass: Sendable, Equatable {
  public var number: Int
  public var pages: Int
  public var bytes: UInt64
  /// The migration's progress as the source counts it, 0 … 1.
  public var progress: Double

  public init(number: Int, pages: Int, bytes: UInt64, progress: Double) {
    self.number = number
    self.pages = pages
    self.bytes = bytes
    self.progress = progress
  }
}

public struct HandOffRequest: Sendable, Equatable {
  /// SHA-256 over the memory and CPU state the source holds, as ``MigrationDigest`` computes it.
  public var digest: [UInt8]
  /// The uptime the domain carries over.
  public var uptime: Double
  /// The state it takes on the target: active for a live migration, else as it was.
  public var state: DomainState

  public init(digest: [UInt8], uptime: Double, state: DomainState) {
    self.digest = digest
    self.uptime = uptime
    self.state = state
  }
}

/// What the destination knows of a domain a recovery query asks about.
public enum RecoveryState: UInt8, Sendable, Equatable {
  /// The destination holds nothing of it.
  case absent = 0
  /// It resumed on the destination: the migration completed there.
  case resumed = 1
}

/// Why a side ends a conversation.
public enum PeerError: Sendable, Equatable {
  /// No protocol version in common.
  case versionMismatch(supported: ClosedRange<Int>)
  /// The peer sent something that is not a valid message here.
  case protocolViolation(String)
  /// The destination's host refused an operation, with its message.
  case targetRefused(String)
  /// The destination could not allocate memory for the domain.
  case outOfMemory(domain: String)
  /// The destination's digest differs from the one the source sent.
  case digestMismatch(target: [UInt8])
  /// The destination's ldmd is stopping.
  case shuttingDown
}
