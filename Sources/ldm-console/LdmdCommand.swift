import ArgumentParser
import Daemon
import Foundation
import Hypervisor
import Migration
import Network

/// `ldm-console ldmd`: one host's Logical Domains Manager, as a daemon.
struct LdmdCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ldmd",
    abstract: "Serve one host of a scenario: migrations with other daemons, consoles attached.",
    discussion: """
      The daemon runs the host's domains on the wall clock. Other daemons migrate
      to and from it over TCP with mutual TLS 1.3: --certs DIR holds ca.pem and
      this host's HOST.pem and HOST-key.pem (made by ldm-console certs). Each
      --peer NAME=ADDR:PORT says where another host's daemon listens, for
      migrations this host starts. Consoles attach with ldm-console --connect.

      SIGTERM or SIGINT stop it cleanly: migrations leaving are cancelled and
      halves arriving destroyed, so no half-made domain is left anywhere.
      Exit status 2 for a bad option, scenario or certificate.
      """)

  @Option(help: "A scenario YAML file (default: the built-in seed walkthrough).")
  var scenario: String?

  @Option(help: ArgumentHelp("The scenario's host this daemon serves.", valueName: "NAME"))
  var host: String

  @Option(help: ArgumentHelp("Where to listen.", valueName: "ADDR:PORT"))
  var listen: String

  @Option(help: ArgumentHelp("The folder of ca.pem and this host's certificate.", valueName: "DIR"))
  var certs: String?

  @Flag(help: "Plain text: no TLS, no certificates (a warning is printed).")
  var insecure = false

  @OptionGroup(title: "The page stream of migrations this host sends")
  var stream: StreamOptions

  @Option(
    help: ArgumentHelp(
      "Another host's daemon, for migrations to it (repeat for each).",
      valueName: "NAME=ADDR:PORT"))
  var peer: [String] = []

  func run() async throws {
    // A process started with SIGTERM or SIGINT blocked (as test runners' children are) would
    // never hear them: unblock both before any thread exists, so every thread inherits it.
    var stops = sigset_t()
    sigemptyset(&stops)
    sigaddset(&stops, SIGTERM)
    sigaddset(&stops, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &stops, nil)
    let scenario = LdmConsole.applying(
      stream, to: LdmConsole.loadScenario(self.scenario), command: "ldmd")
    guard scenario.hosts.contains(where: { $0.name == host }) else {
      Self.fail(
        "no host named \(host) in \(self.scenario ?? "the built-in scenario") (it has "
          + scenario.hosts.map(\.name).joined(separator: ", ") + ")")
    }
    guard let (listenHost, listenPort) = Self.address(listen) else {
      Self.fail("bad --listen \(listen) (expected ADDR:PORT, e.g. 127.0.0.1:7001)")
    }
    var peers: [String: Ldmd.Peer] = [:]
    for text in peer {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let (address, port) = Self.address(parts[1]) else {
        Self.fail("bad --peer \(text) (expected NAME=ADDR:PORT, e.g. sparc-t4-b=10.0.0.2:7001)")
      }
      peers[parts[0]] = Ldmd.Peer(host: address, port: port)
    }
    let server: ServerSecurity
    let client: ClientSecurity
    if insecure {
      Self.log(
        "ldmd \(host): warning: --insecure: migrations, passwords and consoles travel in plain"
          + " text, and anyone who reaches this port can drive the daemon")
      server = .plaintext
      client = .plaintext
    } else {
      guard let certs else {
        Self.fail("--certs DIR is needed (made by ldm-console certs), or --insecure")
      }
      do {
        let name = try HostName(host)
        let identity = try CertificateFolder(path: certs).loadIdentity(.host(name))
        for warning in identity.warnings { Self.log("ldmd \(host): warning: \(warning)") }
        server = try .mutualTLS(identity: identity)
        client = try .mutualTLS(identity: identity)
      } catch {
        Self.fail("\(error)")
      }
    }
    let options = Ldmd.Options(
      scenario: scenario, hostName: host, listenHost: listenHost, listenPort: listenPort,
      server: server, client: client, peers: peers, settings: EngineSettings(scenario.migration))
    do {
      try await Ldmd.run(options, log: Self.log)
    } catch {
      Self.fail("\(error)")
    }
  }

  /// `ADDR:PORT` (an IPv6 address in brackets).
  static func address(_ text: String) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (1...65535).contains(port)
    else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return host.isEmpty ? nil : (host, port)
  }

  @Sendable static func log(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  static func fail(_ message: String) -> Never {
    LdmConsole.exit(withError: "ldm-console ldmd: \(message)", status: 2)
  }
}
