import Crypto
import Hypervisor

/// SHA-256 of a domain's memory contents, independent of how it is stored: the same bytes
/// give the same digest whether a zero page has storage or not.
public enum MemoryDigest {
  public static func sha256(_ memory: GuestMemory) -> String {
    var hasher = SHA256()
    var size = UInt64(memory.pageCount).littleEndian
    withUnsafeBytes(of: &size) { hasher.update(bufferPointer: $0) }
    for page in 0..<memory.pageCount {
      guard let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
        continue
      }
      var index = UInt64(page).littleEndian
      withUnsafeBytes(of: &index) { hasher.update(bufferPointer: $0) }
      hasher.update(
        bufferPointer: UnsafeRawBufferPointer(start: bytes, count: GuestMemory.pageSize))
    }
    return hasher.finalize().map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }
}
