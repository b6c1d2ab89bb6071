#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Pages from real files on this machine: the shared libraries and the data Debian's
/// packages install (`/usr/lib/<triplet>` and `/usr/share`), so compression can be measured on
/// bytes nobody here wrote. A guest's page cache and mapped libraries are exactly that.
///
/// The files are chosen and ordered deterministically: each tree is walked in name order, a
/// few files from each of its folders (at most 16, of at least 8 KiB, no symbolic links), and
/// the folders' files are interleaved so consecutive files come from different packages. A
/// domain reads from the file its seed picks, at most 256 KiB of each file in order, the last
/// page of a file padded with zeros as in a page cache. A file that cannot be read is skipped.
/// On the same machine the same seed gives the same bytes; another machine has other files.
struct FileCorpus: Sendable {
  static let roots = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/share"]
  static let shared = FileCorpus(roots: roots)

  static let filesPerFolder = 16
  static let entriesPerFolder = 400
  static let smallestFile = 8 << 10
  static let bytesPerFile = 256 << 10
  /// Cache lines for workload writes: a sample of the files' non-zero lines.
  static let sampleBytes = 1 << 20

  /// The files, in the order pages are taken from them.
  let paths: [String]
  /// Non-zero 64-byte lines from the first files, for writes of a few cache lines.
  let lines: [UInt8]

  init(roots: [String]) {
    var groups: [[String]] = []
    for root in roots {
      guard let entries = Self.sortedEntries(of: root) else { continue }
      // The root's own files are one group (the libraries), each folder below another.
      let firstGroup = groups.count
      var top: [String] = []
      for name in entries {
        let path = root + "/" + name
        switch Self.kind(of: path) {
        case .file(let size) where size >= Self.smallestFile: top.append(path)
        case .folder:
          var found: [String] = []
          var budget = Self.entriesPerFolder
          Self.collect(path, into: &found, budget: &budget, depth: 0)
          if !found.isEmpty { groups.append(found) }
        default: break
        }
      }
      if !top.isEmpty { groups.insert(top, at: firstGroup) }
    }
    var paths: [String] = []
    var round = 0
    while groups.contains(where: { round < $0.count }) {
      for group in groups where round < group.count { paths.append(group[round]) }
      round += 1
    }
    self.paths = paths
    lines = Self.sample(paths)
  }

  private enum Kind {
    case file(Int)
    case folder, other
  }

  private static func kind(of path: String) -> Kind {
    var status = stat()
    guard lstat(path, &status) == 0 else { return .other }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return .file(Int(status.st_size))
    case S_IFDIR: return .folder
    default: return .other
    }
  }

  private static func sortedEntries(of folder: String) -> [String]? {
    guard let directory = opendir(folder) else { return nil }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      if name != ".", name != ".." { names.append(name) }
    }
    // Byte order, not locale order: the same on every machine.
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// Files of a folder tree in name order, depth first, until enough are found or the
  /// budget of entries looked at is spent.
  private static func collect(
    _ folder: String, into found: inout [String], budget: inout Int, depth: Int
  ) {
    guard depth < 6, let entries = sortedEntries(of: folder) else { return }
    for name in entries {
      guard found.count < filesPerFolder, budget > 0 else { return }
      budget -= 1
      let path = folder + "/" + name
      switch kind(of: path) {
      case .file(let size) where size >= smallestFile: found.append(path)
      case .folder: collect(path, into: &found, budget: &budget, depth: depth + 1)
      default: break
      }
    }
  }

  private static func sample(_ paths: [String]) -> [UInt8] {
    var lines: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    for path in paths where lines.count < sampleBytes {
      let descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else { continue }
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      close(descriptor)
      guard count > 0 else { continue }
      for start in stride(from: 0, to: count - 63, by: 64)
      where chunk[start..<(start + 64)].contains(where: { $0 != 0 }) {
        lines.append(contentsOf: chunk[start..<(start + 64)])
      }
    }
    return lines
  }
}

/// Where a fill is in the corpus: the open file and how far into it.
struct FileCursor {
  let corpus: FileCorpus
  private var index: Int
  private var descriptor: Int32 = -1
  private var offset = 0

  init(corpus: FileCorpus, seed: UInt64) {
    self.corpus = corpus
    index = corpus.paths.isEmpty ? 0 : Int(seed % UInt64(corpus.paths.count))
  }

  /// Reads the next page of the corpus into `page`; false when no file can be read.
  mutating func fillPage(_ page: UnsafeMutableRawPointer) -> Bool {
    let size = GuestMemory.pageSize
    // Each file once around the list at most: beyond that, none can be read.
    for _ in 0...corpus.paths.count where !corpus.paths.isEmpty {
      if descriptor < 0 {
        descriptor = open(corpus.paths[index], O_RDONLY)
        offset = 0
        if descriptor < 0 {
          advance()
          continue
        }
      }
      let count = pread(descriptor, page, size, off_t(offset))
      if count <= 0 {
        closeFile()
        continue
      }
      if count < size { memset(page + count, 0, size - count) }
      offset += count
      if count < size || offset >= FileCorpus.bytesPerFile { closeFile() }
      return true
    }
    return false
  }

  private mutating func closeFile() {
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
    advance()
  }

  private mutating func advance() {
    index = (index + 1) % corpus.paths.count
  }

  /// Closes the file the cursor holds open.
  mutating func finish() {
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
  }

  /// Copies cache lines from the corpus' sample over `from ..< to`; false when it is empty.
  static func writeLines(
    into page: UnsafeMutableRawPointer, from start: Int, to end: Int, corpus: FileCorpus,
    random: inout DeterministicRandom
  ) -> Bool {
    let lineCount = corpus.lines.count / 64
    guard lineCount > 0 else { return false }
    var line = random.next(below: lineCount)
    corpus.lines.withUnsafeBytes { lines in
      for offset in stride(from: start, to: end, by: 64) {
        memcpy(page + offset, lines.baseAddress! + line * 64, 64)
        line = (line + 1) % lineCount
      }
    }
    return true
  }
}
