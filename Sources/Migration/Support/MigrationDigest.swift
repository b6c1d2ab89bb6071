import Crypto
import Hypervisor

/// SHA-256 of a domain's memory contents and CPU state, independent of how memory is stored:
/// the same bytes give the same digest whether a zero page has storage or not. Each side
/// computes it over what it holds; the target resumes only when the two agree.
///
/// The digest is part of the downtime (the guest runs nowhere while both sides hash), so
/// version 2 of the protocol splits the memory into ``stripes`` ranges of pages, hashes them
/// on the machine's cores at once, and hashes their digests: a fixed split, so both sides get
/// the same digest whatever their core counts. Version 1 hashes the pages in one sequence.
public enum MigrationDigest {
  /// The ranges of pages version 2 hashes apart.
  public static let stripes = 16
  /// Below this many pages the stripes are hashed one after the other: threads would cost
  /// more than they save.
  static let parallelFromPages = 8_192

  /// The digest as protocol version `version` defines it (the negotiated one; the highest
  /// this build speaks by default).
  public static func sha256(
    _ memory: GuestMemory?, cpuState: [[UInt8]] = [],
    version: Int = ProtocolVersion.supported.upperBound
  ) -> [UInt8] {
    var hasher = SHA256()
    if let memory {
      var size = UInt64(memory.pageCount).littleEndian
      withUnsafeBytes(of: &size) { hasher.update(bufferPointer: $0) }
      if version >= 2 {
        hasher.update(data: stripeDigests(memory))
      } else {
        hashPages(0..<memory.pageCount, of: memory, into: &hasher)
      }
    }
    for vcpu in cpuState {
      var length = UInt64(vcpu.count).littleEndian
      withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
      hasher.update(data: vcpu)
    }
    return Array(hasher.finalize())
  }

  /// Each stripe's SHA-256, one after the other in stripe order. The memory is only read
  /// meanwhile: the caller's thread (the engine's, where the guests run) waits for the pool's.
  static func stripeDigests(_ memory: GuestMemory) -> [UInt8] {
    let pages = memory.pageCount
    let size = SHA256.byteCount
    var digests = [UInt8](repeating: 0, count: stripes * size)
    digests.withUnsafeMutableBytes { output in
      // Each stripe writes only its own bytes of the output.
      let hash = { (stripe: Int) in
        var hasher = SHA256()
        hashPages(
          (pages * stripe / stripes)..<(pages * (stripe + 1) / stripes), of: memory,
          into: &hasher)
        hasher.finalize().withUnsafeBytes { digest in
          UnsafeMutableRawBufferPointer(rebasing: output[stripe * size..<(stripe + 1) * size])
            .copyMemory(from: digest)
        }
      }
      if pages >= parallelFromPages {
        ChannelThreads.forEach(Array(0..<stripes), hash)
      } else {
        for stripe in 0..<stripes { hash(stripe) }
      }
    }
    return digests
  }

  /// Index and bytes of every non-zero page of `range`, in order.
  static func hashPages(_ range: Range<Int>, of memory: GuestMemory, into hasher: inout SHA256) {
    for page in range {
      guard let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
        continue
      }
      var index = UInt64(page).littleEndian
      withUnsafeBytes(of: &index) { hasher.update(bufferPointer: $0) }
      hasher.update(
        bufferPointer: UnsafeRawBufferPointer(start: bytes, count: GuestMemory.pageSize))
    }
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
