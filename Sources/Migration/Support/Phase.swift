/// The five phases of a live migration, as the seed article names them.
public enum Phase: Int, Sendable, Equatable, Comparable, CaseIterable, Codable {
  case preChecks = 1
  case targetCreation = 2
  case stateTransfer = 3
  case suspension = 4
  case handOff = 5

  public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }

  /// The phase's stable name in events and JSON (`pre-checks`, `state-transfer`, …).
  public var identifier: String {
    switch self {
    case .preChecks: "pre-checks"
    case .targetCreation: "target-creation"
    case .stateTransfer: "state-transfer"
    case .suspension: "suspension"
    case .handOff: "hand-off"
    }
  }

  /// Parses `3`, `state-transfer`, `transfer`, `suspend`, … (for `fault … after PHASE`).
  public init?(name: String) {
    let lowered = name.lowercased()
    if let number = Int(lowered), let phase = Phase(rawValue: number) {
      self = phase
      return
    }
    let aliases: [String: Phase] = [
      "pre-checks": .preChecks, "prechecks": .preChecks, "checks": .preChecks,
      "target-creation": .targetCreation, "creation": .targetCreation, "create": .targetCreation,
      "state-transfer": .stateTransfer, "transfer": .stateTransfer,
      "suspension": .suspension, "suspend": .suspension,
      "hand-off": .handOff, "handoff": .handOff,
    ]
    guard let phase = aliases[lowered] else { return nil }
    self = phase
  }
}

/// Identifies one migration among those its source manager started.
public struct MigrationID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
  public var rawValue: Int
  public init(_ rawValue: Int) { self.rawValue = rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { "#\(rawValue)" }
}
