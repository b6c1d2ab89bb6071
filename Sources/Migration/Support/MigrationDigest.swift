import Crypto
import Hypervisor

/// SHA-256 of a domain's memory contents and CPU state, independent of how memory is stored:
/// the same bytes give the same digest whether a zero page has storage or not. Each side
/// computes it over what it holds; the target resumes only when the two agree.
public enum MigrationDigest {
  public static func sha256(_ memory: GuestMemory?, cpuState: [[UInt8]] = []) -> [UInt8] {
    var hasher = SHA256()
    if let memory {
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
    }
    for vcpu in cpuState {
      var length = UInt64(vcpu.count).littleEndian
      withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
      hasher.update(data: vcpu)
    }
    return Array(hasher.finalize())
  }

  /// Lower-case hex, as digests are shown.
  public static func hex(_ digest: [UInt8]) -> String {
    digest.map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }
}

/// The state of a domain's virtual CPUs that the final copy carries: registers, register
/// windows, MMU and interrupt queues. The model has no instruction stream, so the bytes are
/// derived from the domain's identity and uptime; they travel and are verified as real state.
public enum CPUStateImage {
  /// Bytes of one virtual CPU's state.
  public static let bytesPerVCPU = 64 * 1024

  public static func capture(domain: String, vcpus: Int, uptime: Double) -> [[UInt8]] {
    (0..<vcpus).map { vcpu in
      var random = DeterministicRandom(
        seed: DeterministicRandom.hash(domain) ^ UInt64(vcpu) &* 0x9E37_79B9 ^ uptime.bitPattern)
      var bytes = [UInt8](repeating: 0, count: bytesPerVCPU)
      bytes.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for index in words.indices { words[index] = random.next() }
      }
      return bytes
    }
  }
}
