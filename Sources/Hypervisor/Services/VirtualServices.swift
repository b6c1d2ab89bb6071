/// A virtual disk service (vds) and the volumes it exports.
public struct VirtualDiskService: Sendable, Equatable, Codable {
  /// An exported volume: its name and the back-end device behind it on this host.
  public struct Volume: Sendable, Equatable, Codable {
    public var name: String
    public var device: String
    public var options: String
    public init(name: String, device: String, options: String = "") {
      self.name = name
      self.device = device
      self.options = options
    }
  }

  public var name: String
  /// The domain that provides the service (the control domain, usually `primary`).
  public var domain: String
  public var volumes: [Volume]

  public init(name: String, domain: String, volumes: [Volume] = []) {
    self.name = name
    self.domain = domain
    self.volumes = volumes
  }

  public func volume(named name: String) -> Volume? { volumes.first { $0.name == name } }
}

/// A virtual switch (vsw).
public struct VirtualSwitch: Sendable, Equatable, Codable {
  public var name: String
  public var domain: String
  public var mac: String
  public var netDevice: String

  public init(name: String, domain: String, mac: String, netDevice: String) {
    self.name = name
    self.domain = domain
    self.mac = mac
    self.netDevice = netDevice
  }
}

/// A virtual console concentrator (vcc): hands out one console port per guest.
public struct VirtualConsoleConcentrator: Sendable, Equatable, Codable {
  public var name: String
  public var domain: String
  public var ports: ClosedRange<Int>
  /// Ports in use, by the domain that holds them.
  public private(set) var assigned: [Int: String] = [:]

  public init(name: String, domain: String, ports: ClosedRange<Int>) {
    self.name = name
    self.domain = domain
    self.ports = ports
  }

  public var freePortCount: Int { ports.count - assigned.count }

  /// Assigns `preferred` when it is free and in range, otherwise the lowest free port.
  public mutating func assignPort(to domainName: String, preferred: Int? = nil) -> Int? {
    if let preferred, ports.contains(preferred), assigned[preferred] == nil {
      assigned[preferred] = domainName
      return preferred
    }
    guard let port = ports.first(where: { assigned[$0] == nil }) else { return nil }
    assigned[port] = domainName
    return port
  }

  public mutating func releasePort(_ port: Int) {
    assigned[port] = nil
  }

  /// Moves a port to a renamed domain.
  mutating func reassign(_ port: Int, to domainName: String) {
    if assigned[port] != nil { assigned[port] = domainName }
  }
}

/// Parses a port range such as `5000-5100`.
public func parsePortRange(_ text: String) -> ClosedRange<Int>? {
  let parts = text.split(separator: "-", omittingEmptySubsequences: false)
  guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]),
    low > 0, low <= high, high <= 65535
  else { return nil }
  return low...high
}
