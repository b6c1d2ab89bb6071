import Foundation
import Network
import Testing
import X509

/// A scratch folder of the test's own, removed at the end whatever happens.
func withScratchFolder<T>(_ body: (String) throws -> T) throws -> T {
  let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("ldm-certs-\(getpid())-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try body(path)
}

func hostNames(_ names: String...) throws -> [HostName] {
  try names.map(HostName.init)
}

@Suite struct CertificateTests {
  @Test func aNewSetHoldsTheCAEachHostAndTheConsole() throws {
    try withScratchFolder { path in
      let folder = CertificateFolder(path: path + "/nested/certs")
      let written = try folder.writeNewSet(
        hosts: hostNames("sparc-t4-a", "sparc-t4-b"), overwrite: false)
      #expect(
        written.map { URL(fileURLWithPath: $0).lastPathComponent } == [
          "ca.pem", "sparc-t4-a.pem", "sparc-t4-a-key.pem", "sparc-t4-b.pem",
          "sparc-t4-b-key.pem", "console.pem", "console-key.pem",
        ])
      for file in written {
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == (file.hasSuffix("-key.pem") ? 0o600 : 0o644), "\(file)")
      }

      let authority = try Certificate(
        pemEncoded: String(contentsOfFile: folder.authorityFile, encoding: .utf8))
      #expect(
        try authority.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
      #expect(authority.issuer == authority.subject)
      #expect(authority.publicKey.isValidSignature(authority.signature, for: authority))

      for (identity, usages) in [
        (
          CertificateIdentity.host(try HostName("sparc-t4-a")),
          [ExtendedKeyUsage.Usage.serverAuth, .clientAuth]
        ),
        (.host(try HostName("sparc-t4-b")), [.serverAuth, .clientAuth]),
        (.console, [.clientAuth]),
      ] {
        let certificate = try Certificate(
          pemEncoded: String(contentsOfFile: folder.certificateFile(for: identity), encoding: .utf8)
        )
        #expect(
          try certificate.extensions.subjectAlternativeNames.map(Array.init)
            == [.dnsName(identity.name)])
        #expect(try certificate.extensions.extendedKeyUsage.map(Array.init) == usages)
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(certificate.issuer == authority.subject)
        #expect(authority.publicKey.isValidSignature(certificate.signature, for: certificate))
        let loaded = try folder.loadIdentity(identity)
        #expect(loaded.identity == identity)
        #expect(loaded.warnings.isEmpty)
      }
    }
  }

  @Test func existingFilesAreRefusedAndNamedUnlessForced() throws {
    try withScratchFolder { path in
      let folder = CertificateFolder(path: path)
      try folder.writeNewSet(hosts: hostNames("sparc-t4-a"), overwrite: false)
      let before = try String(contentsOfFile: folder.authorityFile, encoding: .utf8)
      #expect(
        throws: CertificateFolderError(
          "\(path)/ca.pem, \(path)/sparc-t4-a.pem, \(path)/sparc-t4-a-key.pem, "
            + "\(path)/console.pem, \(path)/console-key.pem already exist (--force overwrites)")
      ) {
        try folder.writeNewSet(hosts: hostNames("sparc-t4-a", "sparc-t4-b"), overwrite: false)
      }
      #expect(!FileManager.default.fileExists(atPath: path + "/sparc-t4-b.pem"))
      #expect(try String(contentsOfFile: folder.authorityFile, encoding: .utf8) == before)

      try folder.writeNewSet(hosts: hostNames("sparc-t4-a", "sparc-t4-b"), overwrite: true)
      #expect(try String(contentsOfFile: folder.authorityFile, encoding: .utf8) != before)
      _ = try folder.loadIdentity(.host(HostName("sparc-t4-b")))
    }
  }

  @Test(arguments: [
    ("", "it is empty"),
    ("Sparc-T4-A", "use lower case"),
    ("sparc_t4", "only a-z, 0-9, '-' and '.' are allowed"),
    ("sparc t4", "only a-z, 0-9, '-' and '.' are allowed"),
    ("-sparc", "a label starts or ends with '-'"),
    ("sparc-", "a label starts or ends with '-'"),
    ("a..b", "it has an empty label (two dots, or a dot at an end)"),
    ("a.", "it has an empty label (two dots, or a dot at an end)"),
    ("10.0.0.1", "it is an address, not a name (pass the name the certificate is for)"),
    ("ca", "it is reserved for the files of the CA"),
    ("console", "it is reserved for the files of the console"),
    (String(repeating: "a", count: 64), "a label is longer than 63 characters"),
    ("../etc", "it has an empty label (two dots, or a dot at an end)"),
    ("etc/passwd", "only a-z, 0-9, '-' and '.' are allowed"),
    ("a\nb", "only a-z, 0-9, '-' and '.' are allowed"),
  ])
  func badHostNamesAreRefusedSayingWhy(name: String, problem: String) {
    #expect(throws: HostNameError(name: name, problem: problem)) { try HostName(name) }
    let message = HostNameError(name: name, problem: problem).description
    #expect(!message.contains("\n"))
  }

  @Test(arguments: ["sparc-t4-a", "host1", "t4.example.com", "a", "x-key", "1host"])
  func goodHostNamesAreAccepted(name: String) throws {
    #expect(try HostName(name).value == name)
  }

  @Test func hostsWhoseFilesCollideAreRefusedBeforeAnythingIsWritten() throws {
    try withScratchFolder { path in
      let folder = CertificateFolder(path: path)
      #expect(
        throws: CertificateFolderError(
          "host x and host x-key would both be written to \(path)/x-key.pem")
      ) {
        try folder.writeNewSet(hosts: hostNames("x", "x-key"), overwrite: false)
      }
      #expect(throws: CertificateFolderError("host a is given twice")) {
        try folder.writeNewSet(hosts: hostNames("a", "b", "a"), overwrite: false)
      }
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  @Test func aFolderThatCannotBeWrittenIsRefused() throws {
    // Root writes through permission bits, so for root the folder is one the kernel refuses.
    try withScratchFolder { path in
      let unwritable: String
      if getuid() == 0 {
        unwritable = "/sys"
      } else {
        try FileManager.default.createDirectory(
          atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o500])
        unwritable = path
      }
      #expect(
        throws: CertificateFolderError(
          "\(unwritable): cannot write to the directory (permission denied)")
      ) {
        try CertificateFolder(path: unwritable).writeNewSet(
          hosts: hostNames("a"), overwrite: false)
      }
      try "".write(toFile: path + "-file", atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(atPath: path + "-file") }
      #expect(throws: CertificateFolderError("\(path)-file: not a directory")) {
        try CertificateFolder(path: path + "-file").writeNewSet(
          hosts: hostNames("a"), overwrite: false)
      }
      #expect(
        throws: CertificateFolderError(
          "\(path)-file/certs: cannot create the directory (not a directory)")
      ) {
        try CertificateFolder(path: path + "-file/certs").writeNewSet(
          hosts: hostNames("a"), overwrite: false)
      }
    }
  }
}
