/// A host's processor, as `psrinfo -pv` and `prtconf -pv` describe it.
public struct HostCPU: Sendable, Equatable, Codable {
  /// Processor type, e.g. `SPARC-T4`.
  public var type: String
  public var mhz: Int
  /// The %stick register frequency; Solaris 10 guests need the same value on both sides.
  public var stickFrequency: UInt64
  /// Hardware threads (virtual CPUs) on the host.
  public var strands: Int
  /// Strands per physical processor (chip), for `psrinfo -pv`.
  public var strandsPerChip: Int

  public init(type: String, mhz: Int, stickFrequency: UInt64, strands: Int, strandsPerChip: Int) {
    self.type = type
    self.mhz = mhz
    self.stickFrequency = stickFrequency
    self.strands = strands
    self.strandsPerChip = strandsPerChip
  }

  /// Processor generations in order, for the cross-CPU rule "UltraSPARC T2+ or newer".
  public static let generations = [
    "UltraSPARC-T1", "UltraSPARC-T2", "UltraSPARC-T2+", "SPARC-T3", "SPARC-T4", "SPARC-T5",
    "SPARC-M5", "SPARC-M6", "SPARC-T7", "SPARC-M7", "SPARC-S7", "SPARC-M8",
  ]

  /// Whether this processor is UltraSPARC T2+ or newer (nil when the type is unknown).
  public var supportsCrossCPUMigration: Bool {
    guard let rank = Self.generations.firstIndex(of: type),
      let floor = Self.generations.firstIndex(of: "UltraSPARC-T2+")
    else { return false }
    return rank >= floor
  }
}

/// The Solaris release a host or guest runs.
public enum SolarisRelease: String, Sendable, Equatable, CaseIterable, Codable {
  case solaris10
  case solaris11

  /// As `ldm list -l` prints the OS (and as scenario files spell it).
  public var displayName: String { self == .solaris10 ? "Solaris 10" : "Solaris 11" }
}

/// An Oracle VM Server for SPARC (Logical Domains Manager) version such as `3.1`.
public struct ManagerVersion: Sendable, Equatable, Comparable, CustomStringConvertible, Codable {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// Parses `3.1` or `2.2`; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]),
      major >= 0, minor >= 0
    else { return nil }
    self.init(major: major, minor: minor)
  }

  public var description: String { "\(major).\(minor)" }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  /// The first release with live migration of a running domain.
  public static let liveMigration = ManagerVersion(major: 2, minor: 1)
  /// The first release with cross-CPU migration.
  public static let crossCPUMigration = ManagerVersion(major: 2, minor: 2)
}
