import Foundation
import X509

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A certificates folder, as `ldm-console certs --out DIR` makes it and `--certs DIR` reads it:
///
/// - `DIR/ca.pem`: the CA's certificate, which every party trusts;
/// - `DIR/HOST.pem` and `DIR/HOST-key.pem` for each host;
/// - `DIR/console.pem` and `DIR/console-key.pem`: the console's client identity.
///
/// Keys are written readable by their owner only (mode 0600).
public struct CertificateFolder: Sendable {
  /// The folder as the user typed it (messages name files the way the user would).
  public let path: String
  /// The CA's certificate: `DIR/ca.pem` unless named otherwise (`--ca FILE`).
  public let authorityFile: String

  public init(path: String) {
    self.path = path
    authorityFile = path.hasSuffix("/") ? path + "ca.pem" : path + "/ca.pem"
  }

  /// The folder of the CA's certificate `authority`, which holds the other files too.
  public init(authority: String) {
    let slash = authority.lastIndex(of: "/")
    path = slash.map { String(authority[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
    authorityFile = authority
  }

  public func certificateFile(for identity: CertificateIdentity) -> String {
    file("\(identity.fileStem).pem")
  }

  public func keyFile(for identity: CertificateIdentity) -> String {
    file("\(identity.fileStem)-key.pem")
  }

  func file(_ name: String) -> String {
    path.hasSuffix("/") ? path + name : path + "/" + name
  }
}

/// A refused certificates folder or file, as one line naming it.
public struct CertificateFolderError: Error, Hashable, CustomStringConvertible, Sendable {
  public let description: String

  public init(_ description: String) {
    self.description = ConnectionFailure.oneLine(description)
  }
}

// MARK: Writing (`ldm-console certs`)

extension CertificateFolder {
  /// The files a set for `hosts` consists of, in the order they are written.
  public func files(forHosts hosts: [HostName]) -> [String] {
    var files = [authorityFile]
    for identity in hosts.map(CertificateIdentity.host) + [.console] {
      files += [certificateFile(for: identity), keyFile(for: identity)]
    }
    return files
  }

  /// Makes a new CA, a certificate and key for each host and the console's identity, and writes
  /// them; creates the folder if needed.
  ///
  /// Refuses, before writing anything: no hosts, two hosts whose files would be the same file
  /// (`x` and `x-key` both need `x-key.pem`), a folder that cannot be made or written to, and
  /// files that already exist, unless `overwrite` (a new CA makes every old certificate useless,
  /// so nothing is replaced by accident).
  ///
  /// - Returns: the files written.
  @discardableResult
  public func writeNewSet(
    hosts: [HostName], overwrite: Bool, now: Date = Date(),
    validity: TimeInterval = CertificateAuthority.defaultValidity
  ) throws -> [String] {
    guard !hosts.isEmpty else { throw CertificateFolderError("no host names given") }
    try refuseCollisions(hosts)
    try prepareFolder()
    let files = files(forHosts: hosts)
    if !overwrite {
      let existing = files.filter { FileManager.default.fileExists(atPath: $0) }
      if !existing.isEmpty {
        let verb = existing.count == 1 ? "exists" : "exist"
        throw CertificateFolderError(
          "\(existing.joined(separator: ", ")) already \(verb) (--force overwrites)")
      }
    }

    let authority = try CertificateAuthority(now: now, validity: validity)
    try write(authority.certificatePEM(), to: authorityFile, mode: 0o644)
    for identity in hosts.map(CertificateIdentity.host) + [.console] {
      let issued = try authority.issue(identity)
      try write(issued.certificatePEM(), to: certificateFile(for: identity), mode: 0o644)
      try write(issued.privateKeyPEM(), to: keyFile(for: identity), mode: 0o600)
    }
    return files
  }

  private func refuseCollisions(_ hosts: [HostName]) throws {
    var owners: [String: String] = [authorityFile: "the CA"]
    for identity in [CertificateIdentity.console] + hosts.map(CertificateIdentity.host) {
      for file in [certificateFile(for: identity), keyFile(for: identity)] {
        if let owner = owners[file] {
          if owner == identity.description {
            throw CertificateFolderError("\(identity) is given twice")
          }
          throw CertificateFolderError(
            "\(owner) and \(identity) would both be written to \(file)")
        }
        owners[file] = identity.description
      }
    }
  }

  private func prepareFolder() throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw CertificateFolderError("\(path): not a directory")
      }
    } else {
      try makeDirectories()
    }
    // Permission bits do not say it for root or for read-only mounts: try.
    let probe = file(".ldm-console-write-test-\(getpid())")
    let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else {
      throw CertificateFolderError("\(path): cannot write to the directory (\(Self.errnoText()))")
    }
    close(descriptor)
    unlink(probe)
  }

  /// Writes through a new file renamed over the old one, so a key is never readable by others,
  /// not even for a moment, and a failed write leaves the old file as it was.
  private func write(_ text: String, to target: String, mode: mode_t) throws {
    let temporary = target + ".tmp-\(getpid())"
    unlink(temporary)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
    guard descriptor >= 0 else {
      throw CertificateFolderError("\(target): cannot be written (\(Self.errnoText()))")
    }
    do {
      try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        .write(contentsOf: Data(text.utf8))
    } catch {
      close(descriptor)
      unlink(temporary)
      throw CertificateFolderError("\(target): cannot be written (\(error.localizedDescription))")
    }
    // The mode given to open is filtered by the umask; a key must end up exactly 0600.
    fchmod(descriptor, mode)
    close(descriptor)
    guard rename(temporary, target) == 0 else {
      let reason = Self.errnoText()
      unlink(temporary)
      throw CertificateFolderError("\(target): cannot be written (\(reason))")
    }
  }

  static func errnoText() -> String {
    String(cString: strerror(errno)).lowercased()
  }

  /// `mkdir -p`, with the reason of the first refusal.
  private func makeDirectories() throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += component
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw CertificateFolderError("\(path): cannot create the directory (\(Self.errnoText()))")
      }
      prefix += "/"
    }
  }
}
