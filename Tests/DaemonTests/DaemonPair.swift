import Daemon
import Engine
import Foundation
import LdmCommands
import Migration
import Network
import TestSupport
import Testing

/// Two `ldmd` of a scenario (by default the built-in one's sparc-t4-a and sparc-t4-b) on
/// loopback, each told where the other listens, with the certificates `ldm-console certs` made for them, and a
/// console's control link to each. Everything is stopped when the pair goes away.
final class DaemonPair: @unchecked Sendable {
  let folder: URL
  let a: DaemonProcess
  let b: DaemonProcess
  let linkA: DaemonLink
  let linkB: DaemonLink

  let hosts: (a: String, b: String)

  init(
    label: String, insecure: Bool = false, extra: [String] = [], scenario: String? = nil,
    hosts: (a: String, b: String) = ("sparc-t4-a", "sparc-t4-b")
  ) async throws {
    self.hosts = hosts
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("ldm-daemons-\(label)-\(getpid())-\(UUID().uuidString)")
    let binary = try BuiltProduct.path("ldm-console")
    let made = try runCommand(
      binary, ["certs", "--out", folder.path, hosts.a, hosts.b], timeout: 60)
    guard made.status == 0 else {
      throw CommandTimedOut(description: "ldm-console certs failed: \(made.errors)")
    }
    let portA = try DaemonProcess.freePort()
    let portB = try DaemonProcess.freePort()
    let security =
      (insecure ? ["--insecure"] : ["--certs", folder.path])
      + (scenario.map { ["--scenario", $0] } ?? [])
    a = try DaemonProcess(
      host: hosts.a, port: portA,
      arguments: security + ["--peer", "\(hosts.b)=127.0.0.1:\(portB)"] + extra)
    b = try DaemonProcess(
      host: hosts.b, port: portB,
      arguments: security + ["--peer", "\(hosts.a)=127.0.0.1:\(portA)"] + extra)
    for daemon in [a, b] { try daemon.waitForLine(timeout: 60) { $0.contains("listening on") } }
    let client: ClientSecurity
    if insecure {
      client = .plaintext
    } else {
      client = try .mutualTLS(
        identity: CertificateFolder(path: folder.path).loadIdentity(.console))
    }
    linkA = DaemonLink(
      host: hosts.a, address: Ldmd.Peer(host: "127.0.0.1", port: portA), security: client,
      log: { _ in })
    linkB = DaemonLink(
      host: hosts.b, address: Ldmd.Peer(host: "127.0.0.1", port: portB), security: client,
      log: { _ in })
    linkA.start(on: OwnThreads.executor)
    linkB.start(on: OwnThreads.executor)
    // A command sent before its link is up is refused by the console at once (as when a daemon
    // is unreachable): both links first have the daemons' state.
    try await waitUntil("both control links connected", timeout: 120) { a, b in
      a != nil && b != nil
    }
  }

  deinit {
    linkA.stop()
    linkB.stop()
    a.stop()
    b.stop()
    try? FileManager.default.removeItem(at: folder)
  }

  /// Polls both links until `done` holds of their latest states, at most `timeout` seconds.
  /// Waits with `Task.sleep`, leaving the pool's threads to the links.
  @discardableResult
  func waitUntil(
    _ what: String, timeout: Double = 60,
    hopeless: (DatacenterSnapshot?, DatacenterSnapshot?) -> Bool = { _, _ in false },
    _ done: (DatacenterSnapshot?, DatacenterSnapshot?) -> Bool
  ) async throws -> (DatacenterSnapshot?, DatacenterSnapshot?) {
    let deadline = Date().addingTimeInterval(timeout)
    var latest: (DatacenterSnapshot?, DatacenterSnapshot?) = (nil, nil)
    repeat {
      let stateA = linkA.poll()
      let stateB = linkB.poll()
      latest = (stateA.snapshot ?? latest.0, stateB.snapshot ?? latest.1)
      reports += stateA.reports + stateB.reports
      events += stateA.events + stateB.events
      if done(latest.0, latest.1) { return latest }
      // What can no longer come fails the test now, not at the timeout.
      if hopeless(latest.0, latest.1) { break }
      try await Task.sleep(for: .milliseconds(50))
    } while Date() < deadline
    let ending = Date() < deadline ? "gave up" : "timed out after \(timeout) s"
    throw CommandTimedOut(
      description: "\(ending) waiting for \(what); \(hosts.a) logged "
        + "\(a.lines.suffix(15)), \(hosts.b) logged \(b.lines.suffix(15))")
  }

  var reports: [EngineReport] = []
  var events: [MigrationEvent] = []

  /// The `--connect` options of `ldm-console run` for both daemons.
  var connectArguments: [String] {
    [
      "--connect", "\(hosts.a)=127.0.0.1:\(a.port)", "--connect",
      "\(hosts.b)=127.0.0.1:\(b.port)",
    ]
  }

  func domain(_ name: String, in snapshot: DatacenterSnapshot?) -> String? {
    guard let domain = snapshot?.hosts.first?.domain(named: name) else { return nil }
    return "\(domain.state.rawValue) \(domain.flags)"
  }
}
