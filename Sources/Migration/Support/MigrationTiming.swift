/// How long the modelled work of each side takes, and how long a side waits for its peer.
public enum MigrationTiming {
  /// Phase 1 announces one check per interval, as the checks take time on a real manager.
  public static let checkInterval = 0.04
  /// The destination binds the target's CPUs, memory and services for this long.
  public static let targetCreation = 0.3
  /// The destination restores the CPU state and starts the vCPUs for this long.
  public static let resume = 0.02
  /// A side that has sent nothing for this long sends a keepalive.
  public static let keepaliveInterval = 1.0
  /// A side that has heard nothing from its peer for this long gives up on it.
  public static let peerTimeout = 5.0
  /// How long the source waits, once the target closed the main connection, for the failure
  /// of a page connection that may have caused it to be heard too.
  public static let closeGrace = 0.5
  /// Page records per batch: 512 KiB of pages, small enough to pace a slow link finely.
  public static let batchPages = 64
  /// Bytes of frames a page channel's thread builds in one turn: its share of a send window,
  /// so that the threads wake once per window rather than once per batch.
  public static let channelTurnBytes = 1 << 20
  /// A failed authentication is answered after `authenticationDelay × 2^(n-1)` seconds for the
  /// n-th failure in a row from the same host, at most `authenticationDelayLimit`.
  public static let authenticationDelay = 0.25
  public static let authenticationDelayLimit = 8.0
}
