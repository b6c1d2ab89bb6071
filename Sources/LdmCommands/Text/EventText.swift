import Hypervisor
import Migration

extension MigrationEvent {
  /// `00:00:01.2`: the engine's time as the log shows it.
  public var timestamp: String { Self.timestamp(time) }

  /// Engine seconds as `hh:mm:ss.t`: since the start for the simulation, the time of day
  /// (UTC) for daemons, whose engine time is Unix time.
  public static func timestamp(_ time: Double) -> String {
    let time = time > wallClockEpoch ? time.truncatingRemainder(dividingBy: 86_400) : time
    let tenths = Int((max(0, time) * 10).rounded(.down))
    let seconds = tenths / 10
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(tenths % 10)"
  }

  /// Engine times past this are Unix time (a daemon's wall clock), not a simulation's.
  static let wallClockEpoch = 1e8

  /// The event in one line of words, as the log pane and the transcript show it.
  public var message: String {
    switch detail {
    case .started(let targetHost, let targetName, let user, _):
      let rename = targetName == domain ? "" : ":\(targetName)"
      return "ldm migrate \(domain ?? "") \(user)@\(targetHost)\(rename) started on \(host)"
    case .preCheck(let result):
      guard result.passed else {
        return result.lines.map { "pre-check \(result.check.title): \($0) ✗" }
          .joined(separator: "; ")
      }
      return "pre-check \(result.check.title): \(result.detail) ✓"
    case .phaseStarted(let phase):
      return "phase \(phase.rawValue): \(phase.caption)"
    case .phaseFinished(let phase):
      return "phase \(phase.rawValue) \(phase.title.lowercased()) done"
    case .targetCreated(let targetHost, let name, let state, let flags, let port):
      let console = port.map { ", console port \($0)" } ?? ""
      return "target \(name) created on \(targetHost): \(state.rawValue) \(flags)\(console)"
    case .coldMigration:
      return "cold migration: no run-time state to transfer"
    case .passFinished(let pass, let lambda, let convergence):
      return
        "pass \(pass.number): sent \(ByteSize.human(Double(pass.bytesSent))) in"
        + " \(Units.formatDuration(pass.duration))"
        + (pass.compression.map { " (\($0.ratioText))" } ?? "")
        + ", \(pass.pagesDirtied) pages dirtied meanwhile,"
        + " λ \(Self.twoDecimals(lambda)) \(convergence.rawValue)"
    case .throttled(let fraction, let dirtyRate, _):
      return
        "auto-converge: guest throttled to \(Int((fraction * 100).rounded()))% (dirty rate"
        + " \(ByteSize.human(dirtyRate))/s > half the throughput)"
    case .downtimeOverLimit(let expected, let limit, let reason):
      switch reason {
      case .passLimit:
        return
          "pass limit reached without converging: suspending with an expected downtime of"
          + " \(Units.formatDuration(expected)), over the \(Units.formatDuration(limit)) limit"
      case .throughput:
        return
          "downtime \(Units.formatDuration(expected)) was over the"
          + " \(Units.formatDuration(limit)) limit: this migration's share of the link fell"
          + " short"
      case .verification:
        return
          "downtime \(Units.formatDuration(expected)) was over the"
          + " \(Units.formatDuration(limit)) limit: most of it went to comparing the memory"
          + " digests (SHA-256 of the domain's memory on each side) and resuming the target,"
          + " after the last pages had left"
      }
    case .suspended(let pages, let vcpus):
      return "suspended: \(pages) dirty pages and the CPU state of \(vcpus) vCPU to send"
    case .handOffRequested(let digest):
      return "all state sent (sha256 \(digest.prefix(12))…); asking the target to resume"
    case .digestsMatched(let digest):
      return "memory digests match (sha256 \(digest.prefix(12))…); resuming"
    case .resumed(let name, let decompression, let channels):
      let codec = decompression.map { "; pages were \($0.summary(cpu: "CPU decompressing"))" }
      return "\(name) resumed on \(host)\(codec ?? "")\(ChannelText.summary(channels))"
    case .completed(
      let targetHost, let targetName, let downtime, let state, let compression, let channels,
      let xbzrle):
      let time =
        (downtime.map { ", downtime \(Units.formatDuration($0))" } ?? "")
        + (compression.map { ", pages \($0.summary(cpu: "CPU compressing"))" } ?? "")
        + ChannelText.summary(channels) + (xbzrle.map { ", \(XBZRLEText.summary($0))" } ?? "")
      let now =
        state == .active
        ? "\(targetName) on \(targetHost)"
        : "\(targetName), \(state.rawValue) on \(targetHost)"
      return "migration complete: \(domain ?? "") on \(host) is now \(now)\(time)"
    case .cancelled(let targetHost, let targetName, let existed, let state):
      let source = MigrationText.whereabouts(state, name: domain ?? "", host: host)
      let target =
        existed ? "; \(targetName) destroyed on \(targetHost)" : " before a target existed"
      return "migration cancelled in phase \(phase?.rawValue ?? 1)\(target), \(source)"
    case .failed(let failure, let errorFlag):
      let domain = domain ?? ""
      return errorFlag
        ? "\(failure.line) after all state was sent; \(domain) is left suspended with the error"
          + " flag (ldm cancel-operation migration \(domain) settles it)"
        : failure.line
    case .targetDestroyed(let name, let reason):
      return "half-made \(name) destroyed: \(reason.words)"
    case .errorCleared(let recovery):
      let domain = domain ?? ""
      switch recovery {
      case .restored:
        return "migration error cleared: \(domain) never resumed on the target; it runs on \(host)"
      case .completedOnTarget:
        return
          "migration error cleared: \(domain) had resumed on the target; the copy on \(host) is"
          + " destroyed"
      case .restoredUnconfirmed:
        return
          "migration error cleared: the target could not be asked; \(domain) runs on \(host)"
          + " again (check that the target does not run it too)"
      }
    case .faultArmed(let fault, let trigger, let aim):
      return "fault armed: \(fault) \(trigger)\(aim == .link ? "" : " on \(aim)")"
    case .faultInjected(let fault):
      return "fault injected: \(fault) in phase \(phase?.rawValue ?? 1)"
    case .faultWithoutMigration(let fault):
      return "fault \(fault) fired with no migration in progress: nothing to act on"
    case .linkSlowed(let bits, let aim):
      return aim == .link
        ? "fault: link slowed to \(Units.formatRate(bits))"
        : "fault: \(aim) slowed to \(Units.formatRate(bits))"
    case .peerRefused(let peer, let reason):
      return "refused \(oneLine(peer)): \(oneLine(reason))"
    }
  }

  static func twoDecimals(_ value: Double) -> String {
    guard value.isFinite else { return "∞" }
    let hundredths = Int((min(value, 1e6) * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}

extension TeardownReason {
  var words: String {
    switch self {
    case .cancelled: "the source cancelled the migration"
    case .failed: "the migration failed"
    case .connectionLost: "the connection to the source was lost"
    case .peerSilent: "the source stopped responding"
    case .restarted: "ldmd restarted"
    case .shuttingDown: "ldmd is shutting down"
    case .protocolViolation: "the source broke the protocol"
    }
  }
}
