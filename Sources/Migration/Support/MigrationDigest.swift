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
        for digest in stripeDigests(memory) { hasher.update(data: digest) }
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

  /// Each stripe's SHA-256, in stripe order. The memory is only read meanwhile: the caller's
  /// thread (the engine's, where the guests run) waits for the pool's threads.
  static func stripeDigests(_ memory: GuestMemory) -> [[UInt8]] {
    let pages = memory.pageCount
    let ranges = (0..<stripes).map { stripe in
      (pages * stripe / stripes)..<(pages * (stripe + 1) / stripes)
    }
    let digestBytes = SHA256.byteCount
    var digests = [UInt8](repeating: 0, count: stripes * digestBytes)
    digests.withUnsafeMutableBufferPointer { all in
      let output = StripeOutput(base: all.baseAddress!)
      let hash = { (stripe: Int) in
        var hasher = SHA256()
        hashPages(ranges[stripe], of: memory, into: &hasher)
        // Each stripe writes its own 32 bytes of the output.
        for (offset, byte) in hasher.finalize().enumerated() {
          output.base[stripe * digestBytes + offset] = byte
        }
      }
      if pages >= parallelFromPages {
        ChannelThreads.forEach(Array(0..<stripes), hash)
      } else {
        for stripe in 0..<stripes { hash(stripe) }
      }
    }
    return (0..<stripes).map { Array(digests[$0 * digestBytes..<($0 + 1) * digestBytes]) }
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

  /// Where the stripes' digests go; each thread writes only its stripe's bytes.
  private struct StripeOutput: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
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
