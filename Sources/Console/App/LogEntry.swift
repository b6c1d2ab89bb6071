import Engine
import Migration

/// One line of the log pane: an engine event, or something the console itself has to say.
public struct LogEntry: Sendable, Equatable {
  /// `00:00:01.2`, simulated time.
  public var timestamp: String
  /// The domain the line is about; empty for console and link messages.
  public var domain: String
  public var message: String
  /// How the line is coloured: info, success, warning or error.
  public var role: Role

  public init(timestamp: String, domain: String = "", message: String, role: Role = .logInfo) {
    self.timestamp = timestamp
    self.domain = domain
    self.message = message
    self.role = role
  }

  /// The line an engine event shows as.
  public init(event: MigrationEvent) {
    self.init(
      timestamp: event.timestamp, domain: event.domain ?? "", message: event.message,
      role: Self.role(of: event.kind))
  }

  static func role(of kind: MigrationEvent.Kind) -> Role {
    switch kind {
    case .completed, .resumed, .digestsMatched, .targetCreated, .errorCleared: .logSuccess
    case .preCheckFailed, .failed, .peerRefused: .logError
    case .cancelled, .faultArmed, .faultInjected, .faultWithoutMigration, .linkSlowed, .throttled,
      .downtimeOverLimit, .targetDestroyed:
      .logWarning
    case .started, .phaseStarted, .phaseFinished, .preCheckPassed, .passFinished, .suspended,
      .coldMigration, .handOffRequested:
      .logInfo
    }
  }

  /// The line as plain text, the way the pane prints it.
  public var text: String {
    domain.isEmpty ? "\(timestamp) \(message)" : "\(timestamp) \(domain) \(message)"
  }
}
