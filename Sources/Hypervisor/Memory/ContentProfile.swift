#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a domain's memory holds: the bytes a boot fills pages with and the bytes its
/// workload stores. Real memory is zeros, text, code and heap data, which compress; random
/// bytes do not. See `Scenarios/README.md` for what each profile resembles.
public enum ContentProfile: String, Sendable, CaseIterable, CustomStringConvertible {
  /// Pseudo-random words, every one non-zero: nothing compresses, no page is zero.
  case random
  /// Mostly zero pages, the rest a few heap objects on a zero page: a freshly booted guest.
  case mostlyZero = "mostly-zero"
  /// Words and whitespace: page-cached documents, logs, configuration.
  case text
  /// SPARC instructions in functions, with data islands: text segments and libraries.
  case code
  /// Zero pages, heap, text, code and random data in 64 KiB groups: a running server.
  case mixed
  /// Pages read from the machine's own libraries and shared data.
  case files

  public var description: String { rawValue }

  /// The share of filled pages that are all zeros; nil for `files`, where the files decide.
  public var zeroPageShare: Double? {
    switch self {
    case .random, .text, .code: 0
    case .mostlyZero: 0.8
    case .mixed: 0.3
    case .files: nil
    }
  }

  /// The files `files` reads pages from, in order (empty when none can be found).
  public static var fileSources: [String] { FileCorpus.shared.paths }

  /// What one page holds.
  enum PageKind {
    case zero, sparse, heap, text, code, random, file
  }

  /// The kind of a page. Mixed kinds come in groups of eight pages (64 KiB, as a file in the
  /// page cache or a slab spans several pages), the same for every domain, so a write finds
  /// the kind the boot left and a migrated domain keeps it.
  @inline(__always)
  func kind(ofPage page: Int) -> PageKind {
    switch self {
    case .random: return .random
    case .text: return .text
    case .code: return .code
    case .files: return .file
    case .mostlyZero: return Self.percentile(page) < 80 ? .zero : .sparse
    case .mixed:
      switch Self.percentile(page) {
      case 0..<30: return .zero
      case 30..<60: return .heap
      case 60..<75: return .text
      case 75..<90: return .code
      default: return .random
      }
    }
  }

  /// A stable number in 0 ..< 100 for the page's group of eight.
  @inline(__always)
  private static func percentile(_ page: Int) -> UInt64 {
    var z = UInt64(page >> 3) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return (z ^ (z >> 31)) % 100
  }

  /// A guest store: one to four consecutive cache lines of the page rewritten with content of
  /// the page's kind. The store always leaves a non-zero word.
  func write(into page: UnsafeMutableRawPointer, page index: Int, random: inout DeterministicRandom)
  {
    let lines = 1 + random.next(below: 4)
    let first = random.next(below: GuestMemory.pageSize / 64 - lines + 1)
    let start = first * 64
    let end = start + lines * 64
    switch kind(ofPage: index) {
    case .random:
      for offset in stride(from: start, to: end, by: 8) {
        page.storeBytes(of: random.next() | 1, toByteOffset: offset, as: UInt64.self)
      }
    // Stores copy content made once (as the text and code pools are): generating it field
    // by field, tens of thousands of stores a second, cost the idle console several per cent
    // of a core.
    case .zero, .sparse, .heap:
      HeapContent.store(into: page, from: start, to: end, random: &random)
    case .text: TextContent.writeLines(into: page, from: start, to: end, random: &random)
    case .code: CodeContent.writeLines(into: page, from: start, to: end, random: &random)
    case .file:
      if !FileCursor.writeLines(
        into: page, from: start, to: end, corpus: .shared, random: &random)
      {
        HeapContent.writeLines(into: page, from: start, to: end, random: &random)
      }
    }
  }
}

/// Fills pages at boot with a profile's content, page after page.
struct ContentFiller {
  let profile: ContentProfile
  private var random: DeterministicRandom
  private var files: FileCursor?

  init(profile: ContentProfile, seed: UInt64, corpus: @autoclosure () -> FileCorpus = .shared) {
    self.profile = profile
    random = DeterministicRandom(seed: seed)
    if profile == .files { files = FileCursor(corpus: corpus(), seed: seed) }
  }

  /// Fills one page. A `fresh` page comes zeroed from the kernel: leaving its bytes alone
  /// keeps a zero page from costing real memory.
  mutating func fill(_ page: UnsafeMutableRawPointer, index: Int, fresh: Bool) {
    fill(page, kind: profile.kind(ofPage: index), index: index, fresh: fresh)
  }

  private mutating func fill(
    _ page: UnsafeMutableRawPointer, kind: ContentProfile.PageKind, index: Int, fresh: Bool
  ) {
    switch kind {
    case .random:
      let words = page.assumingMemoryBound(to: UInt64.self)
      for word in 0..<(GuestMemory.pageSize / 8) { words[word] = random.next() | 1 }
    case .zero:
      if !fresh { memset(page, 0, GuestMemory.pageSize) }
    case .sparse: HeapContent.fillSparsePage(page, random: &random)
    case .heap: HeapContent.fillPage(page, random: &random)
    case .text: TextContent.fillPage(page, random: &random)
    case .code: CodeContent.fillPage(page, random: &random)
    case .file:
      // Where no file can be read, the page gets what a mixed page would hold.
      if files?.fillPage(page) != true {
        fill(page, kind: ContentProfile.mixed.kind(ofPage: index), index: index, fresh: fresh)
      }
    }
  }

  /// Closes any file the fill holds open.
  mutating func finish() {
    files?.finish()
  }
}
