import Crypto
import Foundation
import SwiftASN1
import X509

/// Who a certificate is for: a host's daemon, or the console.
///
/// Every party presents a certificate (mutual TLS). A host's certificate serves and connects
/// (daemons accept consoles and open migrations to each other); the console's only connects, so
/// it cannot stand in for a daemon.
public enum CertificateIdentity: Hashable, Sendable, CustomStringConvertible {
  case host(HostName)
  case console

  /// The DNS subject alternative name in the certificate.
  public var name: String {
    switch self {
    case .host(let host): return host.value
    case .console: return "console"
    }
  }

  /// `DIR/STEM.pem` and `DIR/STEM-key.pem`.
  public var fileStem: String { name }

  public var description: String {
    switch self {
    case .host(let host): return "host \(host)"
    case .console: return "the console"
    }
  }

  var usages: [ExtendedKeyUsage.Usage] {
    switch self {
    case .host: return [.serverAuth, .clientAuth]
    case .console: return [.clientAuth]
    }
  }
}

/// A certificate and the private key it was issued for.
public struct IssuedCertificate: Sendable {
  public let identity: CertificateIdentity
  public let certificate: Certificate
  public let privateKey: Certificate.PrivateKey

  /// The certificate as a PEM document (`-----BEGIN CERTIFICATE-----`).
  public func certificatePEM() throws -> String {
    try certificate.serializeAsPEM().pemString
  }

  /// The private key as a PKCS #8 PEM document (`-----BEGIN PRIVATE KEY-----`).
  public func privateKeyPEM() throws -> String {
    try privateKey.serializeAsPEM().pemString
  }
}

/// The certificate authority of one set-up: a P-256 key and its self-signed certificate, which
/// signs a certificate for each host and one for the console.
///
/// It lives only while `ldm-console certs` runs: its key is not written anywhere, so holding a
/// copy of the certificates folder does not let anyone issue more certificates. Adding a host
/// means making the set again (`--force`).
public struct CertificateAuthority: Sendable {
  /// How long certificates are valid by default: 825 days, the longest TLS clients commonly
  /// accept for a leaf.
  public static let defaultValidity: TimeInterval = 825 * 24 * 60 * 60
  /// Certificates start an hour in the past, so a host whose clock is a little behind the one
  /// that made them still accepts them.
  public static let clockSkewAllowance: TimeInterval = 60 * 60

  public let certificate: Certificate
  private let privateKey: Certificate.PrivateKey
  private let keyIdentifier: SubjectKeyIdentifier
  private let notValidBefore: Date
  private let notValidAfter: Date

  /// Makes a new CA: a fresh P-256 key and a self-signed certificate for it.
  ///
  /// - Parameters:
  ///   - now: when the certificates are made.
  ///   - validity: how long this CA and what it issues are valid.
  public init(now: Date = Date(), validity: TimeInterval = CertificateAuthority.defaultValidity)
    throws
  {
    let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let serialNumber = Certificate.SerialNumber()
    // A name of its own per CA, so two set-ups never look like the same issuer.
    let tag = serialNumber.bytes.prefix(4).map { String(format: "%02x", $0) }.joined()
    let subject = try DistinguishedName {
      OrganizationName("ldm-console")
      CommonName("ldm-console CA \(tag)")
    }
    let keyIdentifier = SubjectKeyIdentifier(hash: key.publicKey)
    notValidBefore = now.addingTimeInterval(-CertificateAuthority.clockSkewAllowance)
    notValidAfter = now.addingTimeInterval(validity)
    certificate = try Certificate(
      version: .v3,
      serialNumber: serialNumber,
      publicKey: key.publicKey,
      notValidBefore: notValidBefore,
      notValidAfter: notValidAfter,
      issuer: subject,
      subject: subject,
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        keyIdentifier
      },
      issuerPrivateKey: key)
    privateKey = key
    self.keyIdentifier = keyIdentifier
  }

  /// A new key and a certificate for it, signed by this CA, with the identity's name as its DNS
  /// subject alternative name.
  public func issue(_ identity: CertificateIdentity) throws -> IssuedCertificate {
    let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let subject = try DistinguishedName {
      OrganizationName("ldm-console")
      CommonName(identity.name)
    }
    let certificate = try Certificate(
      version: .v3,
      serialNumber: Certificate.SerialNumber(),
      publicKey: key.publicKey,
      notValidBefore: notValidBefore,
      notValidAfter: notValidAfter,
      issuer: self.certificate.subject,
      subject: subject,
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true))
        try ExtendedKeyUsage(identity.usages)
        SubjectAlternativeNames([.dnsName(identity.name)])
        SubjectKeyIdentifier(hash: key.publicKey)
        AuthorityKeyIdentifier(keyIdentifier: keyIdentifier.keyIdentifier)
      },
      issuerPrivateKey: privateKey)
    return IssuedCertificate(identity: identity, certificate: certificate, privateKey: key)
  }

  /// The CA's certificate as a PEM document.
  public func certificatePEM() throws -> String {
    try certificate.serializeAsPEM().pemString
  }
}
