import Foundation

/// What a password file read found: its text, and whether people other than its owner may
/// read it (ldm warns about such a file but uses it).
public struct FileContents: Sendable, Equatable {
  public var text: String
  public var readableByOthers: Bool

  public init(text: String, readableByOthers: Bool = false) {
    self.text = text
    self.readableByOthers = readableByOthers
  }
}

/// Why a file could not be read.
public enum FileReadError: Error, Sendable, Equatable {
  case notFound
  case unreadable
}

/// Reads the files commands name (`ldm migrate -p FILE`, the run mode's script and
/// scenario), so tests can supply them without touching the disk.
public protocol FileReading: Sendable {
  /// Reads `path`; a relative path is taken relative to `directory`.
  func read(_ path: String, relativeTo directory: String) throws(FileReadError) -> FileContents
}

extension FileReading {
  /// `path` if absolute, else `directory/path`.
  public func resolve(_ path: String, relativeTo directory: String) -> String {
    if path.hasPrefix("/") || directory.isEmpty { return path }
    return directory.hasSuffix("/") ? directory + path : directory + "/" + path
  }
}

/// The real file system.
public struct LocalFiles: FileReading {
  public init() {}

  public func read(_ path: String, relativeTo directory: String) throws(FileReadError)
    -> FileContents
  {
    let full = resolve(path, relativeTo: directory)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
      throw .notFound
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: full) else {
      throw .unreadable
    }
    let attributes = try? FileManager.default.attributesOfItem(atPath: full)
    let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0
    return FileContents(
      text: String(decoding: data, as: UTF8.self), readableByOthers: mode & 0o044 != 0)
  }
}

/// Files held in memory, by absolute path, for tests and demos.
public struct InMemoryFiles: FileReading {
  public var files: [String: FileContents]
  /// Paths that exist but cannot be read.
  public var unreadable: Set<String>

  public init(_ files: [String: FileContents] = [:], unreadable: Set<String> = []) {
    self.files = files
    self.unreadable = unreadable
  }

  public func read(_ path: String, relativeTo directory: String) throws(FileReadError)
    -> FileContents
  {
    let full = resolve(path, relativeTo: directory)
    if unreadable.contains(full) { throw .unreadable }
    guard let contents = files[full] else { throw .notFound }
    return contents
  }
}
