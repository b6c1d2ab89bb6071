import Hypervisor
import Migration

extension MigrationFailure {
  /// The line ldm prints for the failure, before `Domain Migration of LDom … failed`.
  public var line: String {
    switch self {
    case .preCheck(let failure): failure.line
    case .connectionLost(let target, let cause):
      "Lost connection with the target machine \(target): "
        + (cause == .linkDown ? "link down" : "the connection was closed")
    case .channelLost(let target, let channel, let cause):
      "Lost page channel \(channel) to the target machine \(target): "
        + (cause == .linkDown
          ? "link down"
          : cause == .reset
            ? "the connection could not be made or was reset" : "the connection was closed")
    case .targetStoppedResponding(let target): "ldmd(1m) on target \(target) stopped responding"
    case .targetOutOfMemory(let target, let domain):
      "Target machine \(target) ran out of memory for domain \(domain)"
    case .targetRefused(_, let reason): oneLine(reason)
    case .targetShuttingDown(let target): "ldmd(1m) on target \(target) is shutting down"
    case .digestMismatch(let domain, let target, let source):
      "Memory of \(domain) on the target does not match the source: digest \(target) ≠ \(source)"
    case .protocolViolation(let peer, let reason):
      "Migration protocol error with \(peer): \(oneLine(reason))"
    case .versionMismatch(let target, let ours, let theirs):
      "Failed to establish connection with ldmd(1m) on target: \(target) speaks migration"
        + " protocol \(theirs.lowerBound)...\(theirs.upperBound), this ldmd"
        + " \(ours.lowerBound)...\(ours.upperBound)"
    }
  }
}

/// The lines `ldm migrate-domain` prints when it ends.
public enum MigrationText {
  /// Nothing on success; otherwise one line per problem and Oracle's last line.
  public static func lines(_ outcome: MigrationOutcome, domain: String) -> [String] {
    switch outcome {
    case .completed:
      return []
    case .cancelled:
      return [
        "Migration of domain \(domain) was cancelled", "Domain Migration of LDom \(domain) failed",
      ]
    case .failed(let failure, let errorFlag):
      let first =
        errorFlag
        ? "\(failure.line) after all state was sent; \(domain) is left suspended with the"
          + " error flag (ldm cancel-operation migration \(domain) restores it)"
        : failure.line
      return [first, "Domain Migration of LDom \(domain) failed"]
    }
  }

  /// A dry run's lines: nothing when every check passed, else every failure and Oracle's line.
  public static func dryRunLines(_ results: [PreCheckResult], domain: String) -> [String] {
    let failures = results.flatMap(\.lines)
    guard !failures.isEmpty else { return [] }
    return failures + ["Domain Migration of LDom \(domain) would fail if attempted"]
  }

  /// What a domain is, in a few words, for "… is bound on sparc-t4-b".
  public static func whereabouts(_ state: DomainState, name: String, host: String) -> String {
    switch state {
    case .active, .suspended: "\(name) runs on \(host)"
    case .bound: "\(name) is bound on \(host)"
    case .inactive: "\(name) is inactive on \(host)"
    }
  }
}
