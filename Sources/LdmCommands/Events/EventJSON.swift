import Hypervisor
import Migration

/// `--events FILE`: each engine event as one JSON object on one line, in the stable format of
/// docs/events.md (committed as docs/events.schema.json).
extension MigrationEvent {
  /// Times and durations in seconds with microsecond precision.
  static let secondsDecimals = 6

  public func jsonLine() -> String {
    var json = JSONLine()
    json.number("time", time, decimals: Self.secondsDecimals)
    json.string("kind", kind.rawValue)
    json.string("host", host)
    json.int("migration", migration?.rawValue)
    json.string("domain", domain)
    json.string("phase", phase?.identifier)
    fields(into: &json)
    json.string("message", message)
    return json.line
  }

  func fields(into json: inout JSONLine) {
    let seconds = Self.secondsDecimals
    switch detail {
    case .started(let targetHost, let targetName, let user, let live):
      json.string("targetHost", targetHost)
      json.string("targetName", targetName)
      json.string("user", user)
      json.bool("live", live)
    case .preCheck(let result):
      json.string("check", result.check.rawValue)
      json.bool("passed", result.passed)
      json.string("detail", result.detail)
      json.strings("failures", result.lines)
    case .phaseStarted, .phaseFinished, .coldMigration:
      break
    case .targetCreated(let targetHost, let name, let state, let flags, let port):
      json.string("targetHost", targetHost)
      json.string("targetName", name)
      json.string("state", state.rawValue)
      json.string("flags", flags)
      json.int("consolePort", port)
    case .passFinished(let pass, let lambda, let convergence):
      json.int("pass", pass.number)
      json.uint("bytes", pass.bytesSent)
      json.int("pages", pass.pagesSent)
      json.number("seconds", pass.duration, decimals: seconds)
      json.int("pagesDirtied", pass.pagesDirtied)
      json.number("throughput", pass.throughput, decimals: 0)
      json.number("dirtyRate", pass.dirtyRate, decimals: 0)
      json.number("lambda", lambda, decimals: 4)
      json.string("convergence", convergence.rawValue)
      Self.compression(pass.compression, cpu: "compressSeconds", into: &json)
    case .throttled(let fraction, let dirtyRate, let throughput):
      json.number("throttle", fraction, decimals: 4)
      json.number("dirtyRate", dirtyRate, decimals: 0)
      json.number("throughput", throughput, decimals: 0)
    case .downtimeOverLimit(let expected, let limit, let reason):
      json.number("downtime", expected, decimals: seconds)
      json.number("limit", limit, decimals: seconds)
      json.string("reason", reason.rawValue)
    case .suspended(let pages, let vcpus):
      json.int("dirtyPages", pages)
      json.int("vcpus", vcpus)
    case .handOffRequested(let digest), .digestsMatched(let digest):
      json.string("digest", digest)
    case .resumed(let name, let decompression, let channels):
      json.string("targetName", name)
      Self.compression(decompression, cpu: "decompressSeconds", into: &json)
      Self.channels(channels, cpu: "decompressSeconds", into: &json)
    case .completed(
      let targetHost, let targetName, let downtime, let state, let compression, let channels,
      let xbzrle):
      json.string("targetHost", targetHost)
      json.string("targetName", targetName)
      json.number("downtime", downtime, decimals: seconds)
      json.string("state", state.rawValue)
      Self.compression(compression, cpu: "compressSeconds", into: &json)
      Self.channels(channels, cpu: "compressSeconds", into: &json)
      Self.xbzrle(xbzrle, into: &json)
    case .cancelled(let targetHost, let targetName, let existed, let state):
      json.string("targetHost", targetHost)
      json.string("targetName", targetName)
      json.bool("targetExisted", existed)
      json.string("sourceState", state.rawValue)
    case .failed(let failure, let errorFlag):
      json.string("failure", failure.code)
      json.bool("errorFlag", errorFlag)
      json.string("reason", failure.line)
    case .targetDestroyed(let name, let reason):
      json.string("targetName", name)
      json.string("reason", reason.rawValue)
    case .errorCleared(let recovery):
      json.string("recovery", recovery.rawValue)
    case .faultArmed(let fault, let trigger, let aim):
      Self.fault(fault, into: &json)
      switch trigger {
      case .now: json.string("trigger", "now")
      case .afterPhase(let phase):
        json.string("trigger", "after-phase")
        json.string("afterPhase", phase.identifier)
      case .afterDelay(let delay):
        json.string("trigger", "after-delay")
        json.number("afterSeconds", delay, decimals: seconds)
      }
      Self.aim(aim, into: &json)
    case .faultInjected(let fault), .faultWithoutMigration(let fault):
      Self.fault(fault, into: &json)
    case .linkSlowed(let bits, let aim):
      json.number("bitsPerSecond", bits, decimals: 0)
      Self.aim(aim, into: &json)
    case .peerRefused(let peer, let reason):
      json.string("peer", peer)
      json.string("reason", reason)
    }
  }

  /// The codec's figures, present only when pages went compressed: `codec`,
  /// `uncompressedBytes`, `compressedBytes`, `compressionRatio` and the CPU seconds as `cpu`.
  static func compression(_ figures: CompressionFigures?, cpu: String, into json: inout JSONLine) {
    guard let figures else { return }
    json.string("codec", figures.codec.rawValue)
    json.int("uncompressedBytes", figures.statistics.uncompressedBytes)
    json.int("compressedBytes", figures.statistics.compressedBytes)
    json.number("compressionRatio", figures.statistics.ratio, decimals: 4)
    json.number(cpu, figures.statistics.cpuTime.inSeconds, decimals: secondsDecimals)
  }

  /// What XBZRLE did, present only when the hello agreed on it: an object with `cacheBytes`,
  /// `pages` (sent as differences), `bytes` (their records), `wholeBytes` (what they would have
  /// taken whole), `misses` and `overflows` (pages sent again whole).
  static func xbzrle(_ figures: XBZRLEFigures?, into json: inout JSONLine) {
    guard let figures else { return }
    var item = JSONLine()
    item.uint("cacheBytes", figures.cacheBytes)
    item.int("pages", figures.pages)
    item.uint("bytes", figures.bytes)
    item.uint("wholeBytes", figures.wholeBytes)
    item.int("misses", figures.misses)
    item.int("overflows", figures.overflows)
    json.object("xbzrle", item)
  }

  /// Each page channel's figures, present only when more than one channel was granted:
  /// `index`, `batches`, `pages`, `bytes` and the codec's CPU seconds as `cpu`.
  static func channels(_ figures: [ChannelFigures]?, cpu: String, into json: inout JSONLine) {
    guard let figures else { return }
    json.objects(
      "channels",
      figures.map { channel in
        var item = JSONLine()
        item.int("index", channel.index)
        item.int("batches", channel.batches)
        item.int("pages", channel.pages)
        item.uint("bytes", channel.bytes)
        item.number(cpu, channel.cpuTime.inSeconds, decimals: secondsDecimals)
        return item
      })
  }

  static func fault(_ fault: Fault, into json: inout JSONLine) {
    json.string("fault", fault.name)
    if case .slowLink(let bits) = fault { json.number("bitsPerSecond", bits, decimals: 0) }
  }

  static func aim(_ aim: FaultAim, into json: inout JSONLine) {
    switch aim {
    case .link: json.string("aim", "link")
    case .migration(let domain):
      json.string("aim", "migration")
      json.string("aimDomain", domain)
    }
  }
}

extension MigrationFailure {
  /// The failure's stable name in events.
  public var code: String {
    switch self {
    case .preCheck: "pre-check"
    case .connectionLost(_, let cause): cause == .linkDown ? "link-down" : "connection-closed"
    case .channelLost: "channel-lost"
    case .targetStoppedResponding: "target-stopped-responding"
    case .targetOutOfMemory: "target-out-of-memory"
    case .targetRefused: "target-refused"
    case .targetShuttingDown: "target-shutting-down"
    case .digestMismatch: "digest-mismatch"
    case .protocolViolation: "protocol-violation"
    case .versionMismatch: "version-mismatch"
    }
  }
}
