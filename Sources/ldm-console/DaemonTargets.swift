import ArgumentParser
import Daemon
import Foundation
import Network

/// Where the console or `run` finds daemons instead of simulating the scenario itself:
/// `--connect NAME=ADDR:PORT` per host, with the console's certificate from `--certs DIR`
/// (ca.pem, console.pem and console-key.pem, made by `ldm-console certs`), from `--ca FILE`
/// (the same files, the CA named), or `--insecure`.
struct DaemonTargets: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Attach to a host's ldmd instead of simulating (repeat for each host).",
      valueName: "NAME=ADDR:PORT"))
  var connect: [String] = []

  @Option(
    help: ArgumentHelp(
      "With --connect: the folder of ca.pem, console.pem and console-key.pem.",
      valueName: "DIR"))
  var certs: String?

  @Option(
    help: ArgumentHelp(
      "With --connect: the CA's certificate; console.pem and console-key.pem lie beside it.",
      valueName: "FILE"))
  var ca: String?

  @Flag(help: "With --connect: plain text, no TLS (the daemons must run --insecure too).")
  var insecure = false

  var isRemote: Bool { !connect.isEmpty }

  /// One control link per `--connect`, or the one-line reason they cannot be made. `warn`
  /// hears about a certificate near its end; `log`, what the links see later.
  func links(
    warn: (String) -> Void, log: @escaping @Sendable (String) -> Void
  ) throws(TargetError) -> [DaemonLink] {
    var seen: Set<String> = []
    var targets: [(String, Ldmd.Peer)] = []
    for text in connect {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, (try? HostName(parts[0])) != nil,
        let (address, port) = LdmdCommand.address(parts[1])
      else {
        throw TargetError(
          "bad --connect \(text) (expected NAME=ADDR:PORT, e.g. sparc-t4-a=127.0.0.1:7001)")
      }
      guard seen.insert(parts[0]).inserted else {
        throw TargetError("--connect names host \(parts[0]) twice")
      }
      targets.append((parts[0], Ldmd.Peer(host: address, port: port)))
    }
    let security: ClientSecurity
    if insecure {
      security = .plaintext
    } else {
      let folder: CertificateFolder
      if let ca {
        folder = CertificateFolder(authority: ca)
      } else if let certs {
        folder = CertificateFolder(path: certs)
      } else {
        throw TargetError(
          "--connect needs --certs DIR or --ca FILE (ca.pem, console.pem and console-key.pem,"
            + " made by ldm-console certs), or --insecure")
      }
      do {
        let identity = try folder.loadIdentity(.console)
        for warning in identity.warnings { warn("ldm-console: warning: \(warning)") }
        security = try .mutualTLS(identity: identity)
      } catch {
        throw TargetError("\(error)")
      }
    }
    return targets.map { host, address in
      DaemonLink(host: host, address: address, security: security, log: log)
    }
  }

  /// Options that would be silently ignored are refused instead.
  func validate() throws {
    if !isRemote, certs != nil || ca != nil || insecure {
      throw ValidationError("--certs, --ca and --insecure apply only with --connect")
    }
    if [certs != nil, ca != nil, insecure].filter({ $0 }).count > 1 {
      throw ValidationError("choose one of --certs DIR, --ca FILE and --insecure")
    }
  }
}

struct TargetError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
