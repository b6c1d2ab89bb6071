import Hypervisor

/// Why a migration failed, as a value; LdmCommands words it as ldm prints it.
public enum MigrationFailure: Sendable, Equatable, Codable {
  /// A pre-check failed (a real run stops at the first failure).
  case preCheck(PreCheckFailure)
  /// The connection to the target closed under the migration.
  case connectionLost(target: String, cause: ChannelClosure)
  /// One of the migration's page channels could not be opened, or closed under it.
  case channelLost(target: String, channel: Int, cause: ChannelClosure)
  /// Nothing came from the target's ldmd for the timeout, or its process went away.
  case targetStoppedResponding(target: String)
  case targetOutOfMemory(target: String, domain: String)
  /// The target's host refused an operation, with its message.
  case targetRefused(target: String, reason: String)
  case targetShuttingDown(target: String)
  /// The target's memory differs from the source's (digest prefixes, hex).
  case digestMismatch(domain: String, target: String, source: String)
  /// The peer sent something the protocol does not allow; the reason is one line.
  case protocolViolation(peer: String, reason: String)
  case versionMismatch(target: String, ours: ClosedRange<Int>, theirs: ClosedRange<Int>)
}

/// How a migration ended.
public enum MigrationOutcome: Sendable, Equatable, Codable {
  case completed
  case cancelled
  /// Failed; both hosts are as before, unless `errorFlag`: the connection failed after all
  /// state was sent, so nobody knows whether the target resumed, and the source is left
  /// suspended with the `e` flag until `ldm cancel-operation migration` settles it.
  case failed(MigrationFailure, errorFlag: Bool = false)

  public var failure: MigrationFailure? {
    if case .failed(let failure, _) = self { return failure }
    return nil
  }
}
