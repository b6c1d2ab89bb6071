import Foundation
import NIOSSL
import SwiftASN1
import X509

/// What one party needs for mutual TLS: its certificate and key, and the CA it trusts.
public struct TLSIdentity: Sendable {
  public let identity: CertificateIdentity
  public let certificate: NIOSSLCertificate
  public let privateKey: NIOSSLPrivateKey
  public let authority: NIOSSLCertificate
  /// Things worth telling the user that do not stop the identity being used (a key others can
  /// read), one line each.
  public let warnings: [String]

  public init(
    identity: CertificateIdentity, certificate: NIOSSLCertificate, privateKey: NIOSSLPrivateKey,
    authority: NIOSSLCertificate, warnings: [String] = []
  ) {
    self.identity = identity
    self.certificate = certificate
    self.privateKey = privateKey
    self.authority = authority
    self.warnings = warnings
  }

  /// An identity straight from a CA in memory (tests, and tools that make certificates and use
  /// them in the same run).
  public init(issued: IssuedCertificate, authority: CertificateAuthority) throws {
    self.init(
      identity: issued.identity,
      certificate: try NIOSSLCertificate(bytes: Array(issued.certificatePEM().utf8), format: .pem),
      privateKey: try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM().utf8), format: .pem),
      authority: try NIOSSLCertificate(bytes: Array(authority.certificatePEM().utf8), format: .pem))
  }
}

// MARK: Loading (`--certs DIR`)

extension CertificateFolder {
  /// The identity's files and the CA from this folder, checked the way a peer will check them,
  /// so a mistake is reported here, naming the file, and not as a failed handshake later.
  ///
  /// Each problem is one line naming the file: missing, unreadable, not PEM, a key that is not
  /// the certificate's, a certificate the CA did not sign, for another name, or out of its
  /// validity period.
  public func loadIdentity(_ identity: CertificateIdentity, now: Date = Date()) throws
    -> TLSIdentity
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CertificateFolderError("\(path): no such directory")
    }
    guard isDirectory.boolValue else { throw CertificateFolderError("\(path): not a directory") }

    let authorityPEM = try readText(authorityFile, making: identity)
    let authority = try parseCertificate(authorityPEM, file: authorityFile)
    guard case .isCertificateAuthority = try? authority.extensions.basicConstraints else {
      throw CertificateFolderError("\(authorityFile): not a CA certificate")
    }
    try checkValidity(authority, file: authorityFile, now: now)

    let certificateFile = certificateFile(for: identity)
    let certificatePEM = try readText(certificateFile, making: identity)
    let certificate = try parseCertificate(certificatePEM, file: certificateFile)
    guard certificate.issuer == authority.subject,
      authority.publicKey.isValidSignature(certificate.signature, for: certificate)
    else {
      throw CertificateFolderError("\(certificateFile): not signed by the CA in \(authorityFile)")
    }
    let names = (try? certificate.extensions.subjectAlternativeNames)?.compactMap { name in
      if case .dnsName(let dnsName) = name { return dnsName }
      return nil
    }
    guard let names, names.contains(identity.name) else {
      let found = names.flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") } ?? "no name"
      throw CertificateFolderError(
        "\(certificateFile): the certificate is for \(found), not \(identity.name)")
    }
    try checkValidity(certificate, file: certificateFile, now: now)

    let keyFile = keyFile(for: identity)
    let keyPEM = try readText(keyFile, making: identity)
    let key: Certificate.PrivateKey
    do {
      key = try Certificate.PrivateKey(pemEncoded: keyPEM)
    } catch {
      throw CertificateFolderError("\(keyFile): not a PEM private key")
    }
    guard key.publicKey == certificate.publicKey else {
      throw CertificateFolderError(
        "\(keyFile): not the key of the certificate in \(certificateFile)")
    }

    var warnings: [String] = []
    var status = stat()
    if stat(keyFile, &status) == 0, status.st_mode & 0o077 != 0 {
      let mode = String(status.st_mode & 0o777, radix: 8)
      warnings.append(
        "Warning: \(keyFile) can be read by others (mode \(mode)); chmod 600 \(keyFile)")
    }
    do {
      return TLSIdentity(
        identity: identity,
        certificate: try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem),
        privateKey: try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem),
        authority: try NIOSSLCertificate(bytes: Array(authorityPEM.utf8), format: .pem),
        warnings: warnings)
    } catch {
      // swift-certificates read them; BoringSSL refusing them as well is not expected.
      throw CertificateFolderError(
        "\(certificateFile): TLS cannot use this certificate or its key (\(error))")
    }
  }

  private func readText(_ file: String, making identity: CertificateIdentity) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      let hosts: String
      switch identity {
      case .host(let host): hosts = host.value
      case .console: hosts = "HOST..."
      }
      throw CertificateFolderError(
        "\(file): no such file (make the set with: ldm-console certs --out \(path) \(hosts))")
    }
    guard !isDirectory.boolValue else {
      throw CertificateFolderError("\(file): cannot be read (it is a directory)")
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw CertificateFolderError("\(file): cannot be read (permission denied)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CertificateFolderError("\(file): not a PEM file (not text)")
    }
    return text
  }

  private func parseCertificate(_ text: String, file: String) throws -> Certificate {
    do {
      return try Certificate(pemEncoded: text)
    } catch {
      throw CertificateFolderError("\(file): not a PEM certificate")
    }
  }

  private func checkValidity(_ certificate: Certificate, file: String, now: Date) throws {
    if now < certificate.notValidBefore {
      throw CertificateFolderError(
        "\(file): not valid before \(Self.day(certificate.notValidBefore)) (check the clock)")
    }
    if now > certificate.notValidAfter {
      throw CertificateFolderError(
        "\(file): expired on \(Self.day(certificate.notValidAfter)) (make a new set with --force)")
    }
  }

  private static func day(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: date)
  }
}
