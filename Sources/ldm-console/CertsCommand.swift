import ArgumentParser
import Foundation
import Network

/// `ldm-console certs --out DIR HOST...`: the CA, a certificate and key for each host's daemon
/// and the console's client identity, made with swift-certificates (no openssl needed).
struct CertsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "certs",
    abstract: "Make a CA and TLS certificates for each host's daemon and for the console.",
    discussion: """
      Writes into DIR (created if needed): ca.pem, the CA every party trusts;
      HOST.pem and HOST-key.pem for each host; console.pem and console-key.pem,
      the console's identity. Keys are readable by their owner only. Every party
      presents its certificate (mutual TLS); each names its host, which clients
      check whatever address they connect to.

      The CA's key is not kept: nobody holding the folder can issue more
      certificates. To add a host, make the whole set again with --force and
      copy it to every machine. Exit status 2 for a bad host name, a folder that
      cannot be written, or files that already exist.
      """)

  @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write.", valueName: "DIR"))
  var folder: String

  @Flag(help: "Overwrite existing files (a new CA: every old certificate stops working).")
  var force = false

  @Argument(help: ArgumentHelp("Host names, as the scenario names them.", valueName: "HOST"))
  var hosts: [String]

  func run() throws {
    let names: [HostName]
    do {
      names = try hosts.map(HostName.init)
    } catch {
      LdmConsole.exit(withError: "ldm-console certs: \(error)", status: 2)
    }
    let certificates = CertificateFolder(path: folder)
    do {
      try certificates.writeNewSet(hosts: names, overwrite: force)
    } catch let error as CertificateFolderError {
      LdmConsole.exit(withError: "ldm-console certs: \(error)", status: 2)
    } catch {
      LdmConsole.exit(
        withError: "ldm-console certs: cannot make the certificates: \(error)", status: 1)
    }
    print("CA: \(certificates.authorityFile)")
    for name in names {
      let identity = CertificateIdentity.host(name)
      print(
        "\(name): \(certificates.certificateFile(for: identity))"
          + ", key \(certificates.keyFile(for: identity))")
    }
    print(
      "console: \(certificates.certificateFile(for: .console))"
        + ", key \(certificates.keyFile(for: .console))")
    print("Copy \(folder) to every host and to the console's machine.")
  }
}
