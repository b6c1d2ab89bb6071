/// The STATE column of `ldm list`.
public enum DomainState: String, Sendable, Equatable, CaseIterable, Codable {
  case active
  case bound
  case inactive
  /// A migrating source while it is stopped for the final copy.
  case suspended

  /// Whether the domain holds host resources (CPUs, memory, a console port).
  public var holdsResources: Bool { self != .inactive }
}

/// A domain's part in a migration: the sixth FLAGS position.
public enum MigrationRole: Sendable, Equatable, Codable {
  case source
  case target
  /// The link failed after all state was sent but before the target acknowledged the resume.
  case error

  var flag: Character {
    switch self {
    case .source: "s"
    case .target: "t"
    case .error: "e"
    }
  }
}

/// The guest's `cpu-arch` property.
public enum CPUArch: String, Sendable, Equatable, CaseIterable, Codable {
  case native
  case generic
  case migrationClass1 = "migration-class1"
}

/// A virtual disk: a name in the guest and the `volume@service` it is backed by.
public struct VirtualDisk: Sendable, Equatable, Codable {
  public var name: String
  public var volume: String
  public var service: String
  public var id: Int

  public init(name: String, volume: String, service: String, id: Int) {
    self.name = name
    self.volume = volume
    self.service = service
    self.id = id
  }

  /// `vol01@primary-vds0`.
  public var volumeReference: String { "\(volume)@\(service)" }
}

/// A virtual network device attached to a virtual switch.
public struct VirtualNetwork: Sendable, Equatable, Codable {
  public var name: String
  public var switchName: String
  public var mac: String
  public var id: Int

  public init(name: String, switchName: String, mac: String, id: Int) {
    self.name = name
    self.switchName = switchName
    self.mac = mac
    self.id = id
  }
}
