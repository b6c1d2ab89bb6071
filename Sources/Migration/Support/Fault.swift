import Hypervisor

/// A failure of the wire or of a peer, injected for a demo or a test. Each must leave both
/// hosts consistent.
public enum Fault: Sendable, Equatable, CustomStringConvertible, Codable {
  /// The link goes down: the connections on it close.
  case linkDown
  /// The destination refuses its next memory allocation.
  case targetOutOfMemory
  /// The destination's ldmd process dies: its connections reset, and as it restarts it
  /// removes every half-made domain.
  case targetCrash
  /// The link (or one connection) slows to this many bits per second.
  case slowLink(bitsPerSecond: Double)

  /// The fault's name on a command line (`link-down`, `slow-link 10Mbit/s`…).
  public var description: String {
    switch self {
    case .linkDown: "link-down"
    case .targetOutOfMemory: "target-oom"
    case .targetCrash: "target-crash"
    case .slowLink(let bits): "slow-link \(Units.formatRate(bits))"
    }
  }

  /// The name alone, for events: `slow-link`.
  public var name: String {
    switch self {
    case .linkDown: "link-down"
    case .targetOutOfMemory: "target-oom"
    case .targetCrash: "target-crash"
    case .slowLink: "slow-link"
    }
  }
}

/// When an injected fault fires.
public enum FaultTrigger: Sendable, Equatable, CustomStringConvertible, Codable {
  case now
  /// When a migration finishes this phase (and before the next one does anything).
  case afterPhase(Phase)
  /// After this many seconds.
  case afterDelay(Double)

  public var description: String {
    switch self {
    case .now: "now"
    case .afterPhase(let phase): "after phase \(phase.rawValue) (\(phase.identifier))"
    case .afterDelay(let seconds): "after \(Units.formatDuration(seconds))"
    }
  }
}

/// What a fault acts on.
public enum FaultAim: Sendable, Equatable, CustomStringConvertible, Codable {
  /// The link and every migration on it (for `after PHASE`: the migration that finished it).
  case link
  /// The migration of this domain (named as on its source).
  case migration(domain: String)

  public var description: String {
    switch self {
    case .link: "the link"
    case .migration(let domain): "the migration of \(domain)"
    }
  }
}
