/// A small, fast, seedable pseudo-random generator (xoshiro256**).
///
/// Guest memory contents and workload writes must be reproducible run after run, so that
/// golden transcripts and digests stay stable; the system generator is neither seedable nor
/// fast enough to fill gigabytes of pages.
public struct DeterministicRandom: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Creates a generator whose sequence is fully determined by `seed`.
  public init(seed: UInt64) {
    // SplitMix64 spreads a small or patterned seed over the whole state, as the
    // xoshiro authors recommend.
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  /// Creates a generator seeded from a name, so each domain gets its own stable stream.
  public init(name: String, salt: UInt64 = 0) {
    self.init(seed: Self.hash(name) ^ salt)
  }

  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A uniformly distributed value in `0..<bound` (Lemire's multiply-shift, bias-free enough
  /// for a simulation and much cheaper than `Int.random(in:using:)`).
  @inline(__always)
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0)
    return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// A value in `0 ..< 1`.
  @inline(__always)
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }

  /// FNV-1a: stable across runs and platforms, unlike `Hasher`.
  public static func hash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      h ^= UInt64(byte)
      h &*= 0x100_0000_01b3
    }
    return h
  }
}
