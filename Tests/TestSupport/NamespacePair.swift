import Foundation
import Synchronization

/// Two hosts on one machine for tests of what crosses a network: two network namespaces joined
/// by a veth pair, made with iproute2 (`ip netns`, as root or with CAP_NET_ADMIN).
///
/// Side `a` has `10.X.Y.1/30` on `veth-a`, side `b` has `10.X.Y.2/30` on `veth-b`; these two
/// addresses are the only ones a test may target. The namespaces are named
/// `ldmtest-PID-N-a` and `-b`, so parallel tests and runs never share one.
///
/// Everything it made is removed by ``remove()``, which ``withNamespacePair(_:)`` calls however
/// the test ends and `deinit` calls as a last resort: the processes started inside first, then
/// the namespaces (and with them the veth pair). Namespaces of this prefix left by an earlier
/// run that crashed (its process is gone) are removed when the next pair is made.
public final class NamespacePair: @unchecked Sendable {
  public enum Side: String, Sendable, CaseIterable {
    case a, b
  }

  /// How `tc … tbf` shapes each end's outgoing traffic (netem is not available on the kernels
  /// the tests run on).
  public struct Shape: Sendable {
    public var rate: String
    public var burst: String
    public var latency: String

    public init(rate: String = "1gbit", burst: String = "256kb", latency: String = "50ms") {
      self.rate = rate
      self.burst = burst
      self.latency = latency
    }
  }

  public struct Failure: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
      self.description = description
    }
  }

  public static let prefix = "ldmtest-"

  private static let counter = Mutex(0)

  /// Why namespaces cannot be made here, or nil when they can. Found out once, by making and
  /// removing a namespace; printed when they cannot, so a skipped test says why.
  public static let unavailableReason: String? = {
    let reason = probe()
    if let reason {
      FileHandle.standardError.write(
        Data("Tests that need network namespaces are skipped: \(reason)\n".utf8))
    }
    return reason
  }()

  /// Whether namespaces can be made here (for `.enabled(if:)`).
  public static var isAvailable: Bool { unavailableReason == nil }

  public let names: [Side: String]
  public let addresses: [Side: String]
  /// The /30 both addresses are in.
  public let subnet: String
  private let ip: String
  private let lock = NSLock()
  private var children: [ChildProcess] = []
  private var removed = false

  /// Makes both namespaces, the veth pair between them, the addresses, and brings every link
  /// up; then shapes the link if asked. Anything made before a failing step is removed.
  public init(shape: Shape? = nil) throws {
    guard let ip = Self.ipPath else { throw Failure(description: "ip (iproute2) not found") }
    self.ip = ip
    Self.removeStale(ip: ip)
    let number = Self.counter.withLock { value -> Int in
      value += 1
      return value
    }
    let pid = Int(getpid())
    let base = "\(Self.prefix)\(pid)-\(number)"
    names = [.a: base + "-a", .b: base + "-b"]
    let network = "10.\(200 + number % 50).\(pid % 256)"
    subnet = network + ".0/30"
    addresses = [.a: network + ".1", .b: network + ".2"]
    do {
      for side in Side.allCases {
        try ipCommand(["netns", "add", name(side)])
      }
      // Both ends are made inside their namespaces: nothing of this pair ever lives in the
      // machine's own namespace.
      try ipCommand([
        "link", "add", interface(.a), "netns", name(.a), "type", "veth",
        "peer", "name", interface(.b), "netns", name(.b),
      ])
      for side in Side.allCases {
        try ipCommand([
          "-n", name(side), "address", "add", address(side) + "/30", "dev", interface(side),
        ])
        try ipCommand(["-n", name(side), "link", "set", "lo", "up"])
        try ipCommand(["-n", name(side), "link", "set", interface(side), "up"])
      }
      if let shape { try self.shape(shape) }
    } catch {
      remove()
      throw error
    }
  }

  deinit {
    remove()
  }

  public func name(_ side: Side) -> String { names[side]! }
  public func address(_ side: Side) -> String { addresses[side]! }
  public func interface(_ side: Side) -> String { "veth-\(side.rawValue)" }

  /// Shapes each end's outgoing traffic with a token bucket (`tc qdisc add dev … root tbf`).
  public func shape(_ shape: Shape) throws {
    for side in Side.allCases {
      let result = try run(
        in: side,
        [
          "tc", "qdisc", "replace", "dev", interface(side), "root", "tbf", "rate", shape.rate,
          "burst", shape.burst, "latency", shape.latency,
        ])
      guard result.status == 0 else {
        throw Failure(description: "tc on \(name(side)) failed: \(result.errors)")
      }
    }
  }

  /// Sets one end of the link down or up (`ip link set … down|up`). With one end down, no
  /// packet crosses either way and the side loses its route to the other.
  public func setLink(_ side: Side, up: Bool) throws {
    try ipCommand(["-n", name(side), "link", "set", interface(side), up ? "up" : "down"])
  }

  /// Sets the TCP buffers that new sockets in one namespace start with and may grow to
  /// (`net.ipv4.tcp_rmem` and `tcp_wmem`, which are each namespace's own): `bytes` each way.
  public func setSocketBuffers(_ side: Side, bytes: Int) throws {
    for name in ["tcp_rmem", "tcp_wmem"] {
      let result = try run(
        in: side, ["sh", "-c", "echo '4096 \(bytes) \(bytes)' > /proc/sys/net/ipv4/\(name)"])
      guard result.status == 0 else {
        throw Failure(description: "setting \(name) in \(self.name(side)) failed: \(result.errors)")
      }
    }
  }

  /// Runs a command inside one namespace (`ip netns exec`) to its end.
  public func run(in side: Side, _ command: [String], timeout: Double = 30) throws
    -> CommandResult
  {
    try runCommand(ip, ["netns", "exec", name(side)] + command, timeout: timeout)
  }

  /// Starts a long-running command inside one namespace; it is stopped by ``remove()``.
  public func start(in side: Side, _ command: [String]) throws -> ChildProcess {
    let child = try ChildProcess(ip, ["netns", "exec", name(side)] + command)
    lock.withLock { children.append(child) }
    return child
  }

  /// Stops what was started inside, then removes both namespaces (and the veth pair with them).
  /// Idempotent.
  public func remove() {
    let (first, started) = lock.withLock { () -> (Bool, [ChildProcess]) in
      defer {
        removed = true
        children = []
      }
      return (!removed, children)
    }
    guard first else { return }
    for child in started { child.stop() }
    for side in Side.allCases {
      Self.delete(namespace: name(side), ip: ip)
    }
  }

  @discardableResult
  private func ipCommand(_ arguments: [String]) throws -> CommandResult {
    let result = try runCommand(ip, arguments, timeout: 30)
    guard result.status == 0 else {
      throw Failure(
        description: "ip \(arguments.joined(separator: " ")) failed: "
          + (result.errorLines.first ?? "status \(result.status)"))
    }
    return result
  }

  // MARK: The machine's namespaces

  /// The names in `ip netns list`.
  public static func listed() -> [String] {
    guard let ip = ipPath, let result = try? runCommand(ip, ["netns", "list"], timeout: 30)
    else { return [] }
    return result.output.split(separator: "\n").compactMap { line in
      line.split(separator: " ").first.map(String.init)
    }
  }

  /// iproute2's `ip`, if installed.
  public static let ipPath: String? = {
    for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
      let path = directory + "/ip"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }()

  private static func probe() -> String? {
    guard let ip = ipPath else { return "iproute2's ip is not installed" }
    let name = "\(prefix)\(getpid())-probe"
    guard let result = try? runCommand(ip, ["netns", "add", name], timeout: 30) else {
      return "ip netns add did not finish"
    }
    guard result.status == 0 else {
      let reason = result.errorLines.first ?? "status \(result.status)"
      return "ip netns add is not permitted here (\(reason)); it needs root or CAP_NET_ADMIN"
    }
    delete(namespace: name, ip: ip)
    return nil
  }

  /// Namespaces of this prefix whose process is gone: left by a run that crashed.
  private static func removeStale(ip: String) {
    for name in listed() where name.hasPrefix(prefix) {
      let pid = name.dropFirst(prefix.count).prefix(while: \.isNumber)
      guard let pid = Int32(pid), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        delete(namespace: name, ip: ip)
      }
    }
  }

  /// Kills what still runs inside the namespace (only ever processes tests started there),
  /// then deletes it.
  private static func delete(namespace name: String, ip: String) {
    if let pids = try? runCommand(ip, ["netns", "pids", name], timeout: 30) {
      for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) {
        kill(pid, SIGKILL)
      }
    }
    _ = try? runCommand(ip, ["netns", "delete", name], timeout: 30)
  }
}

/// A pair for the length of `body`, removed however `body` ends.
public func withNamespacePair<T>(
  shape: NamespacePair.Shape? = nil, _ body: (NamespacePair) throws -> T
) throws -> T {
  let pair = try NamespacePair(shape: shape)
  defer { pair.remove() }
  return try body(pair)
}
