#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Machine code as a guest's text segments and mapped libraries hold it: SPARC V9
/// instructions, 32-bit big-endian words, in functions. A function opens with `save` (or is a
/// leaf), runs ALU operations, loads and stores off the frame pointer with the stack bias,
/// `sethi` of a few address highs, compares and branches with short displacements and their
/// delay slots, calls to PLT stubs, and common idioms (`mov %i0, %o0; call; nop`), and ends
/// with `ret; restore`, padded with zeros to 32 bytes. Between functions lie data islands:
/// jump tables, pointer tables and string literals.
///
/// Registers and opcodes are skewed, as compilers make them, and one instruction in sixteen
/// starts a repeat of a few instructions from shortly before (compilers emit the same
/// sequences over and over), so the words repeat in their fields and sometimes whole.
///
/// The code is generated once, 8 MiB of it, and a page is a few runs of it from places the
/// seed picks (4-byte aligned), as with text.
enum CodeContent {
  /// Generated code that pages are cut from.
  static let pool = makePool(bytes: 8 << 20)

  // Register numbers by how often compilers use them: %o0-%o2, %l0, %l1, %i0, %i1, %g1, %g2,
  // %fp.
  private static let registers: [UInt32] = [8, 8, 9, 10, 16, 17, 24, 25, 8, 9, 24, 1, 16, 8, 30, 2]
  // add and or xor sub sll srl addcc
  private static let aluOps: [UInt32] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x25, 0x26, 0x10]
  // ldx lduw ldub ldsw, and stx stw stb sth
  private static let loadOps: [UInt32] = [0x0B, 0x00, 0x01, 0x08]
  private static let storeOps: [UInt32] = [0x0E, 0x04, 0x05, 0x06]
  // %fp, %sp, %i0, %o0 as base registers.
  private static let baseRegisters: [UInt32] = [30, 14, 24, 8]
  // be bne bg ble bge bl bgu bleu
  private static let conditions: [UInt32] = [1, 9, 10, 2, 11, 3, 12, 4]
  static let nop: UInt32 = 0x0100_0000
  /// Sequences compilers emit over and over.
  private static let idioms: [[UInt32]] = [
    [0x9010_0018, 0x4000_0000, nop],  // mov %i0, %o0; call; nop
    [0x81C7_E008, 0x81E8_0000],  // ret; restore
    [0x81C3_E008, nop],  // retl; nop
    [0x80A2_2000, 0x0240_0000, nop],  // cmp %o0, 0; be,pn %icc; nop
    [0xD05F_A7F7, 0x80A2_2000],  // ldx [%fp + 2039], %o0; cmp %o0, 0
    [0x9210_0019, 0x9010_0018],  // mov %i1, %o1; mov %i0, %o0
    [0xB010_0008, 0x81C7_E008, 0x81E8_0000],  // mov %o0, %i0; ret; restore
    [0x9DE3_BF50],  // save %sp, -176, %sp
  ]

  /// Fills a page with runs of generated code.
  static func fillPage(_ page: UnsafeMutableRawPointer, random: inout DeterministicRandom) {
    TextContent.copyRuns(
      from: pool, into: page, from: 0, to: GuestMemory.pageSize, shortest: 1024, random: &random)
  }

  /// Writes instructions over `from ..< to` bytes (a guest store of a few cache lines).
  static func writeLines(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom
  ) {
    TextContent.copyRuns(
      from: pool, into: page, from: start, to: end, shortest: end - start, random: &random)
  }

  private static func makePool(bytes: Int) -> [UInt8] {
    var pool = [UInt8](repeating: 0, count: bytes)
    var random = DeterministicRandom(seed: 0xC0DE_5BA2)
    pool.withUnsafeMutableBytes {
      generate(into: $0.baseAddress!, words: bytes / 4, random: &random)
    }
    return pool
  }

  /// Functions and data islands over `words` 32-bit words.
  private static func generate(
    into page: UnsafeMutableRawPointer, words: Int, random: inout DeterministicRandom
  ) {
    var position = 0
    var module = random.next()
    while position < words {
      let shape = random.next()
      // A new module (address highs and PLT) every 64 KiB or so.
      if shape & 0xFF00_0000 == 0 { module = random.next() }
      if shape & 7 == 0 {
        position = island(page, at: position, limit: words, shape: shape, random: &random)
        continue
      }
      if shape & 0x18 != 0 {
        // Typed step by step: as one expression of literals it took the type checker 5 s.
        let slots = UInt32(truncatingIfNeeded: (shape >> 5) & 15)
        let frame: UInt32 = (0x2000 - 176 - 16 * slots) & 0x1FFF
        position = put(0x9DE3_A000 | frame, page, position, words)
      }
      let body = position + 6 + Int((shape >> 9) % 96)
      position = instructions(
        page, from: position, to: min(body, words), module: module, random: &random)
      if shape & 0x18 != 0 {
        position = put(0x81C7_E008, page, position, words)
        position = put(0x81E8_0000, page, position, words)
      } else {
        position = put(0x81C3_E008, page, position, words)
        position = put(nop, page, position, words)
      }
      // Functions start on 32 bytes: zeros up to there.
      while position < words, position & 7 != 0 { position = put(0, page, position, words) }
    }
  }

  @inline(__always)
  private static func put(
    _ word: UInt32, _ page: UnsafeMutableRawPointer, _ position: Int, _ limit: Int
  ) -> Int {
    guard position < limit else { return position }
    page.storeBytes(of: word.bigEndian, toByteOffset: position * 4, as: UInt32.self)
    return position + 1
  }

  /// Function bodies: one instruction per 32 random bits.
  private static func instructions(
    _ page: UnsafeMutableRawPointer, from start: Int, to end: Int, module: UInt64,
    random: inout DeterministicRandom
  ) -> Int {
    let high = UInt32(truncatingIfNeeded: module) & 0x3F_F000
    let plt = UInt32(truncatingIfNeeded: module >> 32) & 0xF_FFFF
    var position = start
    var pending: UInt64 = 0
    var left = 0
    while position < end {
      if left == 0 {
        pending = random.next()
        left = 2
      }
      let bits = UInt32(truncatingIfNeeded: pending)
      pending >>= 32
      left -= 1
      let rd = registers[Int((bits >> 4) & 15)]
      let rs1 = registers[Int((bits >> 8) & 15)]
      let rs2 = registers[Int((bits >> 12) & 15)]
      let x = bits >> 16
      let word: UInt32
      switch bits & 15 {
      case 0, 1, 2:
        let immediate = x & 0x200 != 0 ? 0x2000 - ((x >> 3) & 0x1F) : (x >> 3) & 0x1F
        word = alu(aluOps[Int(x & 7)], rd, rs1, immediate: immediate & 0x1FFF)
      case 3: word = alu(aluOps[Int(x & 7)], rd, rs1, register: rs2)
      case 15 where position >= 64:
        // The same few instructions as a little earlier.
        let length = 3 + Int(x & 7)
        let from = position - 16 - Int((x >> 3) & 31)
        for index in 0..<length where position < end {
          let earlier = page.load(fromByteOffset: (from + index) * 4, as: UInt32.self)
          page.storeBytes(of: earlier, toByteOffset: position * 4, as: UInt32.self)
          position += 1
        }
        continue
      case 15: word = alu(aluOps[Int(x & 7)], rd, rs1, register: rs2)
      case 4: word = alu(0x02, rd, 0, immediate: (x >> 3) & 0xFF)  // mov imm, rd
      case 5: word = alu(0x02, rd, 0, register: rs2)  // mov rs2, rd
      case 6, 7, 8:
        let base = baseRegisters[Int((x >> 2) & 3)]
        let slot = (x >> 4) & 15
        let offset = base == 30 || base == 14 ? 2047 - 8 * slot : 8 * slot
        let op3 = bits & 15 == 8 ? storeOps[Int(x & 3)] : loadOps[Int(x & 3)]
        word = 3 << 30 | rd << 25 | op3 << 19 | base << 14 | 1 << 13 | (offset & 0x1FFF)
      case 9: word = rd << 25 | 4 << 22 | (high | (x & 0x3FF))  // sethi %hi(…), rd
      case 10: word = alu(0x14, 0, rs1, immediate: (x >> 3) & 0x1F)  // cmp rs1, imm
      case 11:
        // bpcc %xcc with a short displacement, then its delay slot (often a nop).
        let displacement = (((x >> 3) & 0x7F) &- 32) & 0x7_FFFF
        word = conditions[Int(x & 7)] << 25 | 1 << 22 | 2 << 20 | 1 << 19 | displacement
        if x & 0x400 != 0, position + 1 < end {
          position = put(word, page, position, end)
          position = put(nop, page, position, end)
          continue
        }
      case 12:
        // call a PLT stub: the displacement from here to one of 64 stubs.
        let target = plt &+ (x & 0x3F) &* 3
        word = 1 << 30 | ((target &- UInt32(position)) & 0x3FFF_FFFF)
      case 13: word = nop
      default:
        let idiom = idioms[Int(x & 7)]
        for instruction in idiom { position = put(instruction, page, position, end) }
        continue
      }
      position = put(word, page, position, end)
    }
    return position
  }

  @inline(__always)
  private static func alu(_ op3: UInt32, _ rd: UInt32, _ rs1: UInt32, immediate: UInt32)
    -> UInt32
  {
    2 << 30 | rd << 25 | op3 << 19 | rs1 << 14 | 1 << 13 | immediate
  }

  @inline(__always)
  private static func alu(_ op3: UInt32, _ rd: UInt32, _ rs1: UInt32, register rs2: UInt32)
    -> UInt32
  {
    2 << 30 | rd << 25 | op3 << 19 | rs1 << 14 | rs2
  }

  /// A data island between functions: a jump table, a pointer table or string literals.
  private static func island(
    _ page: UnsafeMutableRawPointer, at start: Int, limit: Int, shape: UInt64,
    random: inout DeterministicRandom
  ) -> Int {
    var position = start
    let entries = 4 + Int((shape >> 3) & 31)
    switch (shape >> 8) % 3 {
    case 0:
      // Jump table: 32-bit offsets from the table to the cases, rising in small steps.
      var offset = UInt32(truncatingIfNeeded: shape >> 16) & 0xFFF
      for _ in 0..<entries {
        offset &+= 4 * UInt32(1 + random.next(below: 24))
        position = put(offset, page, position, limit)
      }
    case 1:
      // Pointer table: 64-bit addresses in the module's data.
      let base = 0x1_0010_0000 | (shape >> 20) & 0xF_0000
      position += position & 1
      for _ in 0..<entries where position + 2 <= limit {
        let pointer = base | (random.next() & 0xFFF8)
        page.storeBytes(of: pointer.bigEndian, toByteOffset: position * 4, as: UInt64.self)
        position += 2
      }
    default:
      // String literals, NUL-terminated, padded to 8 bytes.
      let bytes = min(32 * entries, (limit - position) * 4)
      guard bytes >= 8 else { return limit }
      TextContent.emit(into: page, from: position * 4, to: position * 4 + bytes, random: &random)
      page.storeBytes(of: 0, toByteOffset: position * 4 + bytes - 1, as: UInt8.self)
      position += bytes / 4
    }
    return min(position, limit)
  }
}
