import Hypervisor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Moves one page from the source's memory to the target's, as the wire would carry it:
/// a zero page travels as a marker (as QEMU does), any other page as its 8 KiB.
enum PageSender {
  /// Bytes a page header takes on the wire (page index, flags).
  static let headerBytes = 16
  static let normalPageBytes = GuestMemory.pageSize + headerBytes

  enum Sent {
    case zero
    case normal
  }

  @inline(__always)
  static func send(page: Int, from source: GuestMemory, to target: GuestMemory) -> Sent {
    guard let bytes = source.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
      target.zeroPage(page)
      return .zero
    }
    memcpy(target.storageForOverwrite(ofPage: page), bytes, GuestMemory.pageSize)
    return .normal
  }
}
