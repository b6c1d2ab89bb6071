import Hypervisor

/// The network link between the two hosts' Logical Domains Managers.
public struct Link: Sendable, Equatable, CustomStringConvertible {
  /// Bits per second; nil means unlimited: pages move as fast as the machine copies them.
  public var bitsPerSecond: Double?
  /// One-way latency in seconds, paid once per pass (the round trip that ends it).
  public var latency: Double

  public init(bitsPerSecond: Double?, latency: Double = 0.0005) {
    self.bitsPerSecond = bitsPerSecond
    self.latency = latency
  }

  public static let gigabit = Link(bitsPerSecond: 1e9)
  public static let unlimited = Link(bitsPerSecond: nil, latency: 0)

  public var bytesPerSecond: Double? { bitsPerSecond.map { $0 / 8 } }

  public var description: String {
    bitsPerSecond.map(Units.formatRate) ?? "unlimited"
  }
}
