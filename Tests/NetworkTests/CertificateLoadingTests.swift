import Foundation
import Network
import Testing

/// `--certs DIR`: each missing, unreadable or wrong file is one line naming it.
@Suite struct CertificateLoadingTests {
  let hostB = CertificateIdentity.host(try! HostName("sparc-t4-b"))

  /// A fresh set for sparc-t4-a and sparc-t4-b in a scratch folder, changed by `damage`, then
  /// loaded as sparc-t4-b.
  /// The refusal's message with the scratch folder written `DIR`; nil if it loaded.
  private func load(
    now: Date = Date(), damage: (CertificateFolder, String) throws -> Void
  ) throws -> Result<TLSIdentity, CertificateFolderError> {
    try withScratchFolder { path in
      let folder = CertificateFolder(path: path)
      try folder.writeNewSet(hosts: hostNames("sparc-t4-a", "sparc-t4-b"), overwrite: false)
      try damage(folder, path)
      do {
        return .success(try folder.loadIdentity(hostB, now: now))
      } catch let error as CertificateFolderError {
        return .failure(
          CertificateFolderError(error.description.replacingOccurrences(of: path, with: "DIR")))
      }
    }
  }

  private func refusal(
    now: Date = Date(), damage: (CertificateFolder, String) throws -> Void
  ) throws -> String {
    guard case .failure(let error) = try load(now: now, damage: damage) else { return "loaded" }
    return error.description
  }

  @Test func anIntactSetLoads() throws {
    let identity = try load { _, _ in }.get()
    #expect(identity.identity == hostB)
    #expect(identity.warnings.isEmpty)
  }

  @Test func aMissingFolderIsNamed() throws {
    #expect(throws: CertificateFolderError("/nonexistent/certs: no such directory")) {
      try CertificateFolder(path: "/nonexistent/certs").loadIdentity(hostB)
    }
  }

  @Test func aMissingFileIsNamedWithTheCommandThatMakesIt() throws {
    let missing = try refusal { folder, _ in
      try FileManager.default.removeItem(atPath: folder.certificateFile(for: hostB))
    }
    #expect(
      missing
        == "DIR/sparc-t4-b.pem: no such file (make the set with: ldm-console certs --out DIR sparc-t4-b)"
    )
    let noAuthority = try refusal { folder, _ in
      try FileManager.default.removeItem(atPath: folder.authorityFile)
    }
    #expect(
      noAuthority
        == "DIR/ca.pem: no such file (make the set with: ldm-console certs --out DIR sparc-t4-b)")
    let noKey = try refusal { folder, _ in
      try FileManager.default.removeItem(atPath: folder.keyFile(for: hostB))
    }
    #expect(noKey.hasPrefix("DIR/sparc-t4-b-key.pem: no such file"))
  }

  @Test func aDirectoryInPlaceOfAFileCannotBeRead() throws {
    let message = try refusal { folder, _ in
      try FileManager.default.removeItem(atPath: folder.keyFile(for: hostB))
      try FileManager.default.createDirectory(
        atPath: folder.keyFile(for: hostB), withIntermediateDirectories: false)
    }
    #expect(message == "DIR/sparc-t4-b-key.pem: cannot be read (it is a directory)")
  }

  @Test func filesThatAreNotPEMAreNamed() throws {
    let certificate = try refusal { folder, _ in
      try "not a certificate\n".write(
        toFile: folder.certificateFile(for: hostB), atomically: true, encoding: .utf8)
    }
    #expect(certificate == "DIR/sparc-t4-b.pem: not a PEM certificate")
    let authority = try refusal { folder, _ in
      try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: folder.authorityFile))
    }
    #expect(authority == "DIR/ca.pem: not a PEM file (not text)")
    let key = try refusal { folder, _ in
      let certificate = try String(
        contentsOfFile: folder.certificateFile(for: hostB), encoding: .utf8)
      try certificate.write(toFile: folder.keyFile(for: hostB), atomically: true, encoding: .utf8)
    }
    #expect(key == "DIR/sparc-t4-b-key.pem: not a PEM private key")
  }

  @Test func aHostCertificateInPlaceOfTheCAIsNotACA() throws {
    let message = try refusal { folder, path in
      try FileManager.default.removeItem(atPath: folder.authorityFile)
      try FileManager.default.copyItem(
        atPath: path + "/sparc-t4-a.pem", toPath: folder.authorityFile)
    }
    #expect(message == "DIR/ca.pem: not a CA certificate")
  }

  @Test func anotherHostsCertificateIsForAnotherName() throws {
    let message = try refusal { folder, path in
      for suffix in [".pem", "-key.pem"] {
        try FileManager.default.removeItem(atPath: path + "/sparc-t4-b" + suffix)
        try FileManager.default.copyItem(
          atPath: path + "/sparc-t4-a" + suffix, toPath: path + "/sparc-t4-b" + suffix)
      }
    }
    #expect(message == "DIR/sparc-t4-b.pem: the certificate is for sparc-t4-a, not sparc-t4-b")
  }

  @Test func anotherHostsKeyIsNotTheCertificatesKey() throws {
    let message = try refusal { folder, path in
      try FileManager.default.removeItem(atPath: folder.keyFile(for: hostB))
      try FileManager.default.copyItem(
        atPath: path + "/sparc-t4-a-key.pem", toPath: folder.keyFile(for: hostB))
    }
    #expect(
      message == "DIR/sparc-t4-b-key.pem: not the key of the certificate in DIR/sparc-t4-b.pem")
  }

  @Test func aCertificateFromAnotherSetIsNotSignedByThisCA() throws {
    let message = try refusal { folder, path in
      try withScratchFolder { otherPath in
        try CertificateFolder(path: otherPath).writeNewSet(
          hosts: hostNames("sparc-t4-b"), overwrite: false)
        for suffix in [".pem", "-key.pem"] {
          try FileManager.default.removeItem(atPath: path + "/sparc-t4-b" + suffix)
          try FileManager.default.copyItem(
            atPath: otherPath + "/sparc-t4-b" + suffix, toPath: path + "/sparc-t4-b" + suffix)
        }
      }
    }
    #expect(message == "DIR/sparc-t4-b.pem: not signed by the CA in DIR/ca.pem")
  }

  @Test func certificatesOutsideTheirValidityAreRefused() throws {
    let expired = try refusal(now: Date().addingTimeInterval(900 * 24 * 3600)) { _, _ in }
    #expect(expired.hasPrefix("DIR/ca.pem: expired on "))
    #expect(expired.hasSuffix(" (make a new set with --force)"))
    let early = try refusal(now: Date().addingTimeInterval(-2 * 3600)) { _, _ in }
    #expect(early.hasPrefix("DIR/ca.pem: not valid before "))
  }

  @Test func aKeyOthersCanReadIsAWarningNotARefusal() throws {
    let identity = try load { folder, _ in
      chmod(folder.keyFile(for: hostB), 0o644)
    }.get()
    #expect(identity.warnings.count == 1)
    #expect(identity.warnings.first?.contains("-key.pem can be read by others (mode 644)") == true)
  }

  @Test func theConsoleIdentityLoadsFromTheSameFolder() throws {
    try withScratchFolder { path in
      let folder = CertificateFolder(path: path)
      try folder.writeNewSet(hosts: hostNames("sparc-t4-a"), overwrite: false)
      #expect(try folder.loadIdentity(.console).identity == .console)
    }
  }
}
