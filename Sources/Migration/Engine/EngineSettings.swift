import Hypervisor

/// How migrations are carried out: the link and the pre-copy policy.
public struct EngineSettings: Sendable, Equatable {
  public var link: Link
  /// The longest the domain may be suspended; pre-copy continues until the rest fits.
  public var downtimeLimit: Double
  /// Pre-copy passes before suspending anyway.
  public var maxPasses: Int
  /// Throttle a guest that dirties memory faster than half the send rate.
  public var autoConverge: Bool

  public init(
    link: Link = .gigabit, downtimeLimit: Double = 0.3, maxPasses: Int = 30,
    autoConverge: Bool = false
  ) {
    self.link = link
    self.downtimeLimit = downtimeLimit
    self.maxPasses = maxPasses
    self.autoConverge = autoConverge
  }

  /// The settings a scenario file asks for.
  public init(_ scenario: Scenario.MigrationSettings) {
    self.init(
      link: Link(bitsPerSecond: scenario.bandwidth, latency: scenario.latency),
      downtimeLimit: scenario.downtimeLimit, maxPasses: scenario.maxPasses,
      autoConverge: scenario.autoConverge)
  }
}
