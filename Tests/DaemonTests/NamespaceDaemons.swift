import Daemon
import Foundation
import TestSupport
import Testing

/// Two `ldmd` of ``TwoHostScenario`` in two network namespaces joined by a veth pair:
/// sparc-t4-a in side a, sparc-t4-b in side b, each listening on its namespace's every address
/// at ``port`` and told the other's veth address. A console reaches a daemon only from inside
/// its namespace (on that namespace's loopback), so `run --connect` is started there too.
/// Everything (daemons, runs, namespaces, files) goes when ``remove()`` is called.
final class NamespaceDaemons: @unchecked Sendable {
  /// Each daemon has a namespace of its own, so both use the same port.
  static let port = 7101
  let pair: NamespacePair
  let folder: URL
  let binary: String
  let a: DaemonProcess
  let b: DaemonProcess
  let password: String

  /// - Parameters:
  ///   - extra: more `ldmd` options, given to both daemons (`--channels 2`).
  ///   - socketBuffers: the TCP buffers of every socket in both namespaces, in bytes, set
  ///     before the daemons listen (an accepted socket starts with its listener's); nil
  ///     leaves the kernel's.
  init(
    label: String, scenario: TwoHostScenario = TwoHostScenario(), shape: NamespacePair.Shape?,
    extra: [String] = [], socketBuffers: Int? = nil
  ) throws {
    let pair = try NamespacePair(shape: shape)
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("ldm-netns-\(label)-\(getpid())-\(UUID().uuidString)")
    let binary = try BuiltProduct.path("ldm-console")
    let password = folder.appendingPathComponent("root.pw").path
    do {
      if let socketBuffers {
        for side in NamespacePair.Side.allCases {
          try pair.setSocketBuffers(side, bytes: socketBuffers)
        }
      }
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data("secret\n".utf8).write(to: URL(fileURLWithPath: password))
      chmod(password, 0o600)
      let scenarioPath = folder.appendingPathComponent("two-hosts.yaml").path
      try Data(scenario.yaml.utf8).write(to: URL(fileURLWithPath: scenarioPath))
      let made = try runCommand(
        binary, ["certs", "--out", folder.path, "sparc-t4-a", "sparc-t4-b"], timeout: 60)
      guard made.status == 0 else {
        throw NamespacePair.Failure(description: "certs failed: \(made.errors)")
      }
      let a = try Self.daemon(
        .a, in: pair, scenario: scenarioPath, certs: folder.path, extra: extra)
      let b = try Self.daemon(
        .b, in: pair, scenario: scenarioPath, certs: folder.path, extra: extra)
      for daemon in [a, b] {
        try daemon.waitForLine(timeout: 120) { $0.contains("listening on") }
      }
      self.a = a
      self.b = b
    } catch {
      pair.remove()
      try? FileManager.default.removeItem(at: folder)
      throw error
    }
    self.pair = pair
    self.folder = folder
    self.binary = binary
    self.password = password
  }

  deinit { remove() }

  private static func daemon(
    _ side: NamespacePair.Side, in pair: NamespacePair, scenario: String, certs: String,
    extra: [String]
  ) throws -> DaemonProcess {
    let host = side == .a ? "sparc-t4-a" : "sparc-t4-b"
    let other: NamespacePair.Side = side == .a ? .b : .a
    let otherHost = side == .a ? "sparc-t4-b" : "sparc-t4-a"
    return try DaemonProcess(
      host: host, port: port, listen: "0.0.0.0:\(port)",
      arguments: [
        "--scenario", scenario, "--certs", certs, "--peer",
        "\(otherHost)=\(pair.address(other)):\(port)",
      ] + extra,
      prefix: [NamespacePair.ipPath ?? "ip", "netns", "exec", pair.name(side)])
  }

  func daemon(_ side: NamespacePair.Side) -> DaemonProcess { side == .a ? a : b }

  func host(_ side: NamespacePair.Side) -> String { side == .a ? "sparc-t4-a" : "sparc-t4-b" }

  private func write(script lines: [String]) throws -> String {
    let path = folder.appendingPathComponent("script-\(UUID().uuidString).txt").path
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(
      to: URL(fileURLWithPath: path))
    return path
  }

  private func runArguments(_ side: NamespacePair.Side, _ script: String, events: String?)
    -> [String]
  {
    [
      binary, "run", "--connect", "\(host(side))=127.0.0.1:\(Self.port)", "--certs",
      folder.path,
    ] + (events.map { ["--events", $0] } ?? []) + [script]
  }

  /// Runs `lines` (each prefixed with the side's host) on one daemon, from its namespace.
  func run(_ side: NamespacePair.Side, _ lines: [String], timeout: Double = 120) throws
    -> CommandResult
  {
    let script = try write(script: lines.map { "\(host(side))# \($0)" })
    return try pair.run(in: side, runArguments(side, script, events: nil), timeout: timeout)
  }

  /// Starts `lines` on one daemon and lets it run on; its transcript comes as lines.
  func start(_ side: NamespacePair.Side, _ lines: [String], events: String? = nil) throws
    -> ChildProcess
  {
    let script = try write(script: lines.map { "\(host(side))# \($0)" })
    return try pair.start(in: side, runArguments(side, script, events: events))
  }

  /// The `ldm list` row of `domain` on a side (nil when the host has no such domain).
  func row(_ domain: String, on side: NamespacePair.Side) throws -> String? {
    let result = try run(side, ["ldm list"])
    return result.output.split(separator: "\n").map(String.init)
      .first { $0.hasPrefix(domain + " ") }
  }

  /// STATE and FLAGS of `domain` on a side, as `active -n----`.
  func state(_ domain: String, on side: NamespacePair.Side) throws -> String? {
    try row(domain, on: side).map { row in
      row.split(separator: " ").dropFirst().prefix(2).joined(separator: " ")
    }
  }

  /// Waits for a daemon's log line, at most `timeout` seconds.
  @discardableResult
  func waitForLog(
    _ side: NamespacePair.Side, timeout: Double = 120, _ predicate: (String) -> Bool
  ) throws -> String {
    try daemon(side).waitForLine(timeout: timeout, where: predicate)
  }

  /// Polls `condition` every 100 ms, at most `timeout` seconds.
  func waitUntil(_ what: String, timeout: Double = 60, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if try condition() { return }
      usleep(100_000)
    } while Date() < deadline
    throw CommandTimedOut(
      description: "timed out after \(timeout) s waiting for \(what); sparc-t4-a logged "
        + "\(a.lines.suffix(12)), sparc-t4-b logged \(b.lines.suffix(12))")
  }

  /// Waits until sparc-t4-a's daemon reaches sparc-t4-b's again after the link came back up
  /// (the kernel may still hold the neighbour it failed to reach for a few seconds): a
  /// connection made, in `nc -z` fashion, from inside side a.
  func waitUntilReachable(timeout: Double = 60) throws {
    try waitUntil("sparc-t4-b reachable from sparc-t4-a again", timeout: timeout) {
      let probe = try pair.run(
        in: .a,
        [
          "bash", "-c",
          "exec 3<>/dev/tcp/\(pair.address(.b))/\(Self.port) && exec 3>&- 3<&-",
        ], timeout: 10)
      return probe.status == 0
    }
  }

  /// The connections sparc-t4-a's daemon holds open to sparc-t4-b's port (a migration's main
  /// connection and its page channels), each as its local `ADDRESS:PORT` and the bytes the
  /// peer has acknowledged on it (`ss -tin`).
  func migrationConnections() throws -> [(local: String, acknowledged: UInt64)] {
    // One line per connection (receive queue, send queue, local and peer address), then an
    // indented line of its TCP figures.
    var connections: [(local: String, acknowledged: UInt64)] = []
    let toB = ["dst", pair.address(.b), "dport", "=", ":\(Self.port)"]
    for line in try established(on: .a, details: true, toB) {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if line.first?.isWhitespace == false, fields.count >= 4 {
        connections.append((String(fields[2]), 0))
      } else if let acked = fields.first(where: { $0.hasPrefix("bytes_acked:") }),
        !connections.isEmpty
      {
        connections[connections.count - 1].acknowledged = UInt64(acked.dropFirst(12)) ?? 0
      }
    }
    return connections
  }

  /// Whether everything sparc-t4-a wrote to its migration connections has been read by
  /// sparc-t4-b's daemon: nothing in a's send queues, nothing in b's receive queues (`ss`).
  /// With `readByTarget` false, only that it reached b's kernel: a's send queues are empty.
  func migrationQueuesEmpty(readByTarget: Bool = true) throws -> Bool {
    // Each line: receive queue, send queue, local and peer address.
    func queues(_ side: NamespacePair.Side, _ filter: [String]) throws -> [(Int, Int)] {
      try established(on: side, filter).compactMap { line in
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 4, let received = Int(fields[0]), let sending = Int(fields[1])
        else { return nil }
        return (received, sending)
      }
    }
    let sent = try queues(.a, ["dst", pair.address(.b), "dport", "=", ":\(Self.port)"])
    let arrived = try queues(.b, ["src", pair.address(.b), "sport", "=", ":\(Self.port)"])
    guard !sent.isEmpty, sent.allSatisfy({ $0.1 == 0 }) else { return false }
    return !readByTarget || arrived.allSatisfy { $0.0 == 0 }
  }

  /// `ss`'s lines for one side's established TCP connections that `filter` picks
  /// (`ss -tnH`; with `details`, each one's TCP figures on an indented line after it).
  private func established(
    on side: NamespacePair.Side, details: Bool = false, _ filter: [String]
  ) throws -> [Substring] {
    let listed = try pair.run(
      in: side, ["ss", details ? "-tinH" : "-tnH", "state", "established"] + filter)
    guard listed.status == 0 else {
      throw NamespacePair.Failure(description: "ss failed: \(listed.errors)")
    }
    return listed.output.split(separator: "\n")
  }

  /// Destroys one of sparc-t4-a's connections as a failing network card or a firewall would:
  /// the kernel aborts it (`ss -K`), the local end sees it reset and the peer gets a reset.
  func abortConnection(local: String) throws {
    guard let colon = local.lastIndex(of: ":") else {
      throw NamespacePair.Failure(description: "not an ADDRESS:PORT: \(local)")
    }
    let killed = try pair.run(
      in: .a,
      [
        "ss", "-K", "src", String(local[..<colon]), "sport", "=",
        ":" + local[local.index(after: colon)...], "dst", pair.address(.b), "dport", "=",
        ":\(Self.port)",
      ])
    guard killed.status == 0 else {
      throw NamespacePair.Failure(description: "ss -K failed: \(killed.errors)")
    }
  }

  /// Removes the shaping of both ends.
  func unshape() throws {
    for side in NamespacePair.Side.allCases {
      _ = try pair.run(in: side, ["tc", "qdisc", "del", "dev", pair.interface(side), "root"])
    }
  }

  func remove() {
    a.stop()
    b.stop()
    pair.remove()
    try? FileManager.default.removeItem(at: folder)
  }
}
