/// One contiguous piece of a domain's memory: a guest real address range backed by a host
/// physical range of the same size (`ldm list -l`'s `RA PA SIZE`).
public struct MemoryBlock: Sendable, Equatable, Hashable, Codable {
  /// Guest real address: what the guest OS sees. Kept identical across a migration.
  public var realAddress: UInt64
  /// Host physical address: where the block lives on this host. May differ after migration.
  public var physicalAddress: UInt64
  public var size: UInt64

  public init(realAddress: UInt64, physicalAddress: UInt64, size: UInt64) {
    self.realAddress = realAddress
    self.physicalAddress = physicalAddress
    self.size = size
  }

  /// The real address at which a guest's first block starts, as on real LDoms guests.
  public static let firstRealAddress: UInt64 = 0x800_0000
}

/// Formats an address as ldm does: `0x` and lowercase hex without padding.
public func hexAddress(_ value: UInt64) -> String {
  "0x" + String(value, radix: 16)
}
