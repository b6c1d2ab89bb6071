import Foundation
import Network
import TestSupport
import Testing

/// `ldm-console certs` as a user runs it: the real binary, its exit status and its lines.
@Suite struct CertsCommandTests {
  private func certs(_ arguments: String...) throws -> CommandResult {
    try runCommand(BuiltProduct.path("ldm-console"), ["certs"] + arguments, timeout: 60)
  }

  @Test func makesTheSetAndRefusesToOverwriteItUnlessForced() throws {
    try withScratchFolder { path in
      let out = path + "/certs"
      let made = try certs("--out", out, "sparc-t4-a", "sparc-t4-b")
      #expect(made.status == 0, "\(made.errors)")
      #expect(
        made.output.contains("sparc-t4-b: \(out)/sparc-t4-b.pem, key \(out)/sparc-t4-b-key.pem"))
      for name in ["ca", "sparc-t4-a", "sparc-t4-b", "console"] {
        #expect(FileManager.default.fileExists(atPath: "\(out)/\(name).pem"))
      }
      _ = try CertificateFolder(path: out).loadIdentity(.host(HostName("sparc-t4-a")))

      let again = try certs("--out", out, "sparc-t4-b")
      #expect(again.status == 2)
      #expect(
        again.errorLines == [
          "ldm-console certs: \(out)/ca.pem, \(out)/sparc-t4-b.pem, \(out)/sparc-t4-b-key.pem, "
            + "\(out)/console.pem, \(out)/console-key.pem already exist (--force overwrites)"
        ])

      let forced = try certs("--force", "--out", out, "sparc-t4-b")
      #expect(forced.status == 0, "\(forced.errors)")
      _ = try CertificateFolder(path: out).loadIdentity(.host(HostName("sparc-t4-b")))
    }
  }

  @Test func aBadHostNameIsOneLineAndStatusTwo() throws {
    try withScratchFolder { path in
      let result = try certs("--out", path, "sparc-t4-a", "Sparc_B")
      #expect(result.status == 2)
      #expect(
        result.errorLines == [
          "ldm-console certs: bad host name 'Sparc_B': use lower case"
        ])
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  @Test func collidingHostsAreOneLineAndStatusTwo() throws {
    try withScratchFolder { path in
      let result = try certs("--out", path, "x", "x-key")
      #expect(result.status == 2)
      #expect(
        result.errorLines == [
          "ldm-console certs: host x and host x-key would both be written to \(path)/x-key.pem"
        ])
    }
  }

  @Test func anUnwritableFolderIsOneLineAndStatusTwo() throws {
    try withScratchFolder { path in
      try "".write(toFile: path, atomically: true, encoding: .utf8)
      let result = try certs("--out", path + "/certs", "sparc-t4-a")
      #expect(result.status == 2)
      #expect(
        result.errorLines == [
          "ldm-console certs: \(path)/certs: cannot create the directory (not a directory)"
        ])
    }
  }

  @Test func noHostIsAUsageErrorWithStatusTwo() throws {
    try withScratchFolder { path in
      let result = try certs("--out", path)
      #expect(result.status == 2)
      #expect(
        result.errorLines == [
          "ldm-console: Missing expected argument '<HOST> ...' (see ldm-console --help)"
        ])
    }
  }
}
