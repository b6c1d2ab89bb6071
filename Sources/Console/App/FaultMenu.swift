import Engine
import Hypervisor
import Migration

/// The `f` menu: which fault to inject, when, and at what: the link (every migration on it)
/// or one migration.
public struct FaultMenu: Sendable, Equatable {
  /// One fault on offer, with the words the menu shows.
  public struct Choice: Sendable, Equatable {
    public var fault: Fault
    public var title: String
  }

  /// The faults on offer, in menu order.
  public static let choices: [Choice] = [
    Choice(fault: .linkDown, title: "Link down"),
    Choice(fault: .targetOutOfMemory, title: "Target out of memory"),
    Choice(fault: .targetCrash, title: "Target manager crash"),
    Choice(fault: .slowLink(bitsPerSecond: 10e6), title: "Slow link: 10 Mbit/s"),
    Choice(fault: .slowLink(bitsPerSecond: 100e6), title: "Slow link: 100 Mbit/s"),
    Choice(fault: .slowLink(bitsPerSecond: 1e9), title: "Link back to 1 Gbit/s"),
  ]

  /// When the fault fires: now, or after one of the phases that have a successor.
  public static let triggers: [FaultTrigger] =
    [.now] + Phase.allCases.filter { $0 != .handOff }.map { .afterPhase($0) }

  public var selected = 0
  public var triggerIndex = 0
  /// What the fault can be aimed at: the link first, then each migration under way when the
  /// menu opened.
  public var aims: [FaultAim]
  public var aimIndex = 0

  public init(selected: Int = 0, triggerIndex: Int = 0, migrating domains: [String] = []) {
    self.selected = selected
    self.triggerIndex = triggerIndex
    aims = [.link] + domains.map { .migration(domain: $0) }
  }

  public var choice: Choice { Self.choices[selected] }
  public var trigger: FaultTrigger { Self.triggers[triggerIndex] }
  public var aim: FaultAim { aims[aimIndex] }

  /// `the link (every migration)` or `the migration of ldom01`.
  public static func title(of aim: FaultAim) -> String {
    aim == .link ? "the link (every migration)" : aim.description
  }

  mutating func moveAim(by step: Int) {
    aimIndex = (aimIndex + step + aims.count) % aims.count
  }

  /// `now` or `after phase 3 (State transfer)`.
  public static func title(of trigger: FaultTrigger) -> String {
    switch trigger {
    case .now: "now"
    case .afterPhase(let phase): "after phase \(phase.rawValue) (\(phase.title))"
    case .afterDelay(let seconds): "after \(Units.formatDuration(seconds))"
    }
  }

  mutating func move(by step: Int) {
    selected = (selected + step + Self.choices.count) % Self.choices.count
  }

  mutating func moveTrigger(by step: Int) {
    triggerIndex = (triggerIndex + step + Self.triggers.count) % Self.triggers.count
  }
}
