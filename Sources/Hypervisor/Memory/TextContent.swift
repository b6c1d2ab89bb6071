#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Text as it sits in a guest's memory: page-cached documents, logs and configuration files,
/// string tables. Words follow a Zipf law over a vocabulary of 4096 (the 200 most common
/// English and system words first, then made-up ones built from syllables); three words in
/// eight follow their predecessor as in a set phrase ("of the"). They are separated mostly by
/// spaces, with punctuation, capitals after a full stop, numbers, line breaks and indentation,
/// and now and then a piece of the text shortly before comes again, as log lines and markup
/// repeat theirs. One page in eight is the last page of a file: its text stops part way and
/// the rest is zeros, as a page-cache page past the end of its file is.
///
/// The text is generated once, 8 MiB of it, and a page is a few runs of it from places the
/// seed picks: as fast as copying, and a batch of pages rarely holds the same run twice.
/// Compressors find words and phrases, not long repeats, as in real text.
enum TextContent {
  /// The vocabulary as a table mapping 13 random bits to a word, Zipf-weighted: each entry a
  /// word of at most 7 bytes packed little-endian, its length in the top byte.
  static let table = makeTable()
  /// Generated text that pages are cut from.
  static let pool = makePool(bytes: 8 << 20)

  private static let commonWords = """
    the of and to in is that it for was on are as with be at by this have from or had not but \
    what all were when we there can an your which their said if do will each about how up out \
    them then she many some so these would other into has more her two like him see time could \
    no make than first been its who now people my made over did down only way find use may \
    water long little very after words called just where most know get through back much go \
    good new write our me man too any day same right look think also around another came come \
    work three word must because does part even place well such here take why things help put \
    years different away again off went old number great tell men say small every found still \
    between name should home big give air line set own under read last never us left end along \
    while might next sound below saw something thought both few those always looked show large \
    often together asked house world going want school important until form food keep children \
    error warning info debug file user root kernel thread process memory disk network request \
    server client session failed success started stopped value config system service domain \
    host port status total free used size count buffer cache queue lock mutex signal timeout \
    version update default enabled disabled true false null none path device module driver
    """

  private static func makeTable() -> [UInt64] {
    var words: [UInt64] = []
    var seen = Set<String>()
    func add(_ word: String) {
      let bytes = Array(word.utf8)
      guard (1...7).contains(bytes.count), seen.insert(word).inserted else { return }
      var packed = UInt64(bytes.count) << 56
      for (index, byte) in bytes.enumerated() { packed |= UInt64(byte) << (8 * UInt64(index)) }
      words.append(packed)
    }
    for word in commonWords.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
      add(String(word))
    }
    // Made-up words from syllables: pronounceable, with the letter statistics of words.
    let onsets = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr"]
    let vowels = ["a", "e", "i", "o", "u", "ea", "io", "ou"]
    let codas = ["", "", "", "n", "r", "s", "t", "l", "nt", "st"]
    var random = DeterministicRandom(seed: 0x7E47)
    while words.count < 4096 {
      var word = ""
      for _ in 0..<(1 + random.next(below: 3)) {
        word +=
          onsets[random.next(below: onsets.count)] + vowels[random.next(below: vowels.count)]
          + codas[random.next(below: codas.count)]
      }
      add(word)
    }
    // Zipf–Mandelbrot weights 1 / (rank + 2.7); the rarest words share the last slots.
    let slots = 1 << 13
    let weights = words.indices.map { 1 / (Double($0) + 2.7) }
    let total = weights.reduce(0, +)
    var table: [UInt64] = []
    table.reserveCapacity(slots)
    var owed = 0.0
    for (index, weight) in weights.enumerated() where table.count < slots {
      owed += Double(slots) * weight / total
      let count = max(Int(owed), 1)
      owed -= Double(count)
      table.append(contentsOf: repeatElement(words[index], count: min(count, slots - table.count)))
    }
    while table.count < slots { table.append(words[words.count - 1]) }
    return table
  }

  private static func makePool(bytes: Int) -> [UInt8] {
    var pool = [UInt8](repeating: 0, count: bytes)
    var random = DeterministicRandom(seed: 0x7E47_9001)
    pool.withUnsafeMutableBytes { emit(into: $0.baseAddress!, from: 0, to: bytes, random: &random) }
    return pool
  }

  /// Fills a whole page with text (one in eight ending early, zeros after the end).
  static func fillPage(_ page: UnsafeMutableRawPointer, random: inout DeterministicRandom) {
    let size = GuestMemory.pageSize
    var end = size
    let shape = random.next()
    if shape & 7 == 0 {
      end = 256 + Int((shape >> 3) % UInt64(size - 256))
      memset(page + end, 0, size - end)
    }
    copyRuns(from: pool, into: page, from: 0, to: end, shortest: 1024, random: &random)
  }

  /// Writes text over `from ..< to` (a guest store of a few cache lines).
  static func writeLines(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom
  ) {
    copyRuns(from: pool, into: page, from: start, to: end, shortest: end - start, random: &random)
  }

  /// Copies runs of at least `shortest` bytes (4 to 8 times that at most) from places the
  /// draw picks, aligned to 4 bytes, until `from ..< to` is full.
  static func copyRuns(
    from pool: [UInt8], into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    shortest: Int, random: inout DeterministicRandom
  ) {
    pool.withUnsafeBytes { source in
      var cursor = start
      while cursor < end {
        let length = min(end - cursor, shortest + random.next(below: 4 * shortest))
        let origin = random.next(below: (source.count - length) / 4) * 4
        memcpy(page + cursor, source.baseAddress! + origin, length)
        cursor += length
      }
    }
  }

  /// Generates text over `from ..< to`, every byte of it.
  static func emit(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int,
    random: inout DeterministicRandom
  ) {
    table.withUnsafeBufferPointer { table in
      var cursor = start
      var bits = random.next()
      var left = 64
      var capital = false
      var previous = 0
      // A step writes at most 25 bytes: an 8-byte word store and a line break with its
      // indentation.
      while cursor + 32 <= end {
        if left < 41 {
          bits = random.next()
          left = 64
        }
        // Three words in eight follow their predecessor, as in a set phrase.
        let slot =
          bits & 7 < 3 ? (previous &* 2_654_435_761 &+ 17) & 0x1FFF : Int(bits >> 3) & 0x1FFF
        previous = slot
        let separator = (bits >> 16) & 0xF
        let extra = Int((bits >> 20) & 0xF)
        bits >>= 24
        left -= 24
        var word = table[slot]
        if capital {
          word &= ~0x20
          capital = false
        }
        page.storeBytes(of: word & 0xFF_FFFF_FFFF_FFFF, toByteOffset: cursor, as: UInt64.self)
        cursor += Int(word >> 56)
        switch separator {
        case 0...9:
          page.storeBytes(of: 0x20, toByteOffset: cursor, as: UInt8.self)
          cursor += 1
        case 10:
          page.storeBytes(of: 0x202C, toByteOffset: cursor, as: UInt16.self)  // ", "
          cursor += 2
        case 11:
          page.storeBytes(of: 0x202E, toByteOffset: cursor, as: UInt16.self)  // ". "
          cursor += 2
          capital = true
        case 12:
          // A line break, then an indentation of 0, 2, 4 … 14 spaces.
          page.storeBytes(of: 0x0A, toByteOffset: cursor, as: UInt8.self)
          page.storeBytes(of: 0x2020_2020_2020_2020, toByteOffset: cursor + 1, as: UInt64.self)
          page.storeBytes(of: 0x2020_2020_2020_2020, toByteOffset: cursor + 9, as: UInt64.self)
          cursor += 1 + (extra & 7) * 2
          capital = extra & 8 != 0
        case 13:
          page.storeBytes(of: 0x20, toByteOffset: cursor, as: UInt8.self)
          cursor = number(Int(bits & 0xFFFF) >> (extra & 7), into: page, at: cursor + 1)
          bits >>= 16
          left -= 16
        case 14:
          // One of = : / - _ ( ) ", packed in a word.
          let mark = UInt8(truncatingIfNeeded: 0x2229_285F_2D2F_3A3D >> (8 * (extra & 7)))
          page.storeBytes(of: mark, toByteOffset: cursor, as: UInt8.self)
          cursor += 1
        default:
          // A piece of what came shortly before, as log lines and markup repeat theirs.
          let length = 16 + Int(bits & 63)
          let distance = 80 + Int((bits >> 6) & 0x7FF)
          bits >>= 17
          left -= 17
          if cursor - distance >= start, cursor + length + 32 <= end {
            memcpy(page + cursor, page + cursor - distance, length)
            cursor += length
          } else {
            page.storeBytes(of: 0x0A2E, toByteOffset: cursor, as: UInt16.self)  // ".\n"
            cursor += 2
            capital = true
          }
        }
      }
      // The tail: spaces up to a line break on the last byte.
      if cursor < end {
        memset(page + cursor, 0x20, end - cursor)
        page.storeBytes(of: 0x0A, toByteOffset: end - 1, as: UInt8.self)
      }
    }
  }

  /// Writes `value` in decimal and a space; returns the cursor after them.
  @inline(__always)
  private static func number(_ value: Int, into page: UnsafeMutableRawPointer, at cursor: Int)
    -> Int
  {
    var digits = 1
    var scale = 10
    while scale <= value {
      digits += 1
      scale *= 10
    }
    var rest = value
    for position in stride(from: digits - 1, through: 0, by: -1) {
      page.storeBytes(
        of: UInt8(0x30 + rest % 10), toByteOffset: cursor + position, as: UInt8.self)
      rest /= 10
    }
    page.storeBytes(of: 0x20, toByteOffset: cursor + digits, as: UInt8.self)
    return cursor + digits + 1
  }
}
