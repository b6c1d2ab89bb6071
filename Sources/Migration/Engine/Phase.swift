/// The five phases of a live migration, as the seed article names them.
public enum Phase: Int, Sendable, Equatable, Comparable, CaseIterable, Codable {
  case preChecks = 1
  case targetCreation = 2
  case stateTransfer = 3
  case suspension = 4
  case handOff = 5

  public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }

  /// The phase's name as the console's timeline shows it.
  public var title: String {
    switch self {
    case .preChecks: "Pre-checks"
    case .targetCreation: "Target created"
    case .stateTransfer: "State transfer"
    case .suspension: "Suspend"
    case .handOff: "Hand-off"
    }
  }

  /// A one-line caption of what happens in the phase, for presenters.
  public var caption: String {
    switch self {
    case .preChecks:
      "The source checks that the target can take the domain: CPUs, memory, I/O, services."
    case .targetCreation:
      "A domain is created on the target and held bound until the migration completes."
    case .stateTransfer:
      "Memory is copied while the domain runs; pages it changes are sent again in later passes."
    case .suspension:
      "The source is suspended briefly while the last changed pages and the CPU state are sent."
    case .handOff:
      "The target resumes the domain and the source domain is destroyed."
    }
  }

  /// The phase's name in events and JSON (`pre-checks`, `state-transfer`, …).
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
