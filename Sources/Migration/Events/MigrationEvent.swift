import Foundation

/// Something that happened to a migration, stamped with simulated time. Events feed the log
/// pane and `--events FILE` (JSON lines).
public struct MigrationEvent: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Equatable, Codable {
    case started
    case phaseStarted = "phase-started"
    case phaseFinished = "phase-finished"
    case preCheckPassed = "pre-check-passed"
    case preCheckFailed = "pre-check-failed"
    case targetCreated = "target-created"
    case passFinished = "pass-finished"
    case throttled
    case suspended
    case resumed
    case handOff = "hand-off"
    case completed
    case cancelled
    case failed
    case fault
  }

  /// Simulated seconds since the datacenter started.
  public var time: Double
  public var migration: MigrationID
  public var domain: String
  public var kind: Kind
  public var phase: Phase?
  /// One line for people, as the log pane shows it.
  public var message: String

  public init(
    time: Double, migration: MigrationID, domain: String, kind: Kind, phase: Phase? = nil,
    message: String
  ) {
    self.time = time
    self.migration = migration
    self.domain = domain
    self.kind = kind
    self.phase = phase
    self.message = message
  }

  /// `00:00:01.2`: simulated time as the log shows it.
  public var timestamp: String {
    let tenths = Int((time * 10).rounded(.down))
    let seconds = tenths / 10
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(tenths % 10)"
  }

  /// One JSON object on one line, keys sorted so output is stable.
  public func jsonLine() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding a plain struct of strings and numbers cannot fail.
    let data = (try? encoder.encode(self)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
