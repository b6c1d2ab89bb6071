import Daemon
import Foundation
import Hypervisor
import LdmCommands
import Migration
import Network
import TestSupport
import Testing

extension Daemons {
  /// Bad bytes at a real daemon's port, plaintext and mutual TLS: a bounded number of seeded
  /// sequences, each on its own connection, while a migration runs to the same daemon. Each
  /// connection is closed by the daemon, with a logged reason naming it; the daemon goes on and
  /// the migration completes.
  @Suite(.serialized) struct DaemonPortFuzzTests {
    static let iterations = 60

    /// A splitmix64 stream: the same seed, the same sequences.
    static func header(_ length: UInt32) -> [UInt8] {
      [
        UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
        UInt8(length & 0xFF),
      ]
    }

    /// Noise, frames of any type (a HELLO's and a control hello's among them) with noise inside,
    /// lengths past the limit, and TLS records' headers.
    static func sequence(_ generator: inout DeterministicRandom) -> (
      bytes: [UInt8], refusedAtOnce: Bool
    ) {
      func noise(_ range: ClosedRange<Int>) -> [UInt8] {
        (0..<Int.random(in: range, using: &generator)).map { _ in
          UInt8.random(in: 0...255, using: &generator)
        }
      }
      switch Int.random(in: 0..<5, using: &generator) {
      case 0:
        return (noise(1...64), false)
      case 1:
        let over = UInt32(Ldmd.limit.maximumLength + 1)
        return (
          header(UInt32.random(in: over...UInt32.max, using: &generator)) + noise(0...16), true
        )
      case 2:
        return ([0x16, 0x03, 0x01] + noise(2...200), false)
      default:
        let types: [UInt8] = [MessageType.hello.rawValue, ControlMessage.frameType, 0x7F]
        let type = types.randomElement(using: &generator)!
        let body = [type] + noise(0...40)
        // A first frame of neither kind is refused by its type alone.
        return (header(UInt32(body.count)) + body + noise(0...8), type == 0x7F)
      }
    }

    /// Writes `bytes` to 127.0.0.1:`port`, ends its side, and reads until the daemon closes;
    /// returns the local port (which names the connection in the log). Bounded: 30 s.
    static func exchange(port: Int, bytes: [UInt8]) throws -> Int {
      let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard socket >= 0 else { throw CommandTimedOut(description: "no socket") }
      defer { close(socket) }
      var timeout = timeval(tv_sec: 30, tv_usec: 0)
      setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = UInt16(port).bigEndian
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard connected == 0 else { throw CommandTimedOut(description: "cannot connect to \(port)") }
      var local = sockaddr_in()
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      _ = withUnsafeMutablePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
      }
      _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      shutdown(socket, Int32(SHUT_WR))
      let size = 4096
      var buffer = [UInt8](repeating: 0, count: size)
      let deadline = Date().addingTimeInterval(30)
      while Date() < deadline {
        let count = recv(socket, &buffer, size, 0)
        if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
          return Int(UInt16(bigEndian: local.sin_port))
        }
        if count < 0 { break }
      }
      throw CommandTimedOut(description: "the daemon kept a fuzz connection open for 30 s")
    }

    private func fuzz(insecure: Bool, seed: UInt64) async throws {
      let pair = try await DaemonPair(label: "fuzz", insecure: insecure)
      // A migration to the daemon under fire, going on while the bad bytes come.
      pair.linkA.send(
        .migrate(
          MigrationRequest(
            sourceHost: "sparc-t4-a", domain: "ldom02", targetHost: "sparc-t4-b",
            password: "secret", targetName: "ldom02"), ticket: 1))
      var generator = DeterministicRandom(seed: seed)
      var refusedAtOnce: [Int] = []
      var ports: [Int] = []
      for _ in 0..<Self.iterations {
        let (bytes, refused) = Self.sequence(&generator)
        let target = pair.b.port
        let port = try await blocking { try Self.exchange(port: target, bytes: bytes) }
        ports.append(port)
        if refused { refusedAtOnce.append(port) }
      }
      let (a, b) = try await pair.waitUntil("ldom02 active on sparc-t4-b", timeout: 300) { a, b in
        pair.domain("ldom02", in: b) == "active -n----"
          && a?.migrations.first?.outcome == .completed
      }
      let migration = try #require(a?.migrations.first)
      #expect(migration.statistics.sourceDigest == migration.statistics.targetDigest)
      #expect(b?.hosts.first?.domain(named: "ldom02") != nil)
      #expect(pair.b.isRunning)
      let lines = pair.b.lines
      func naming(_ port: Int) -> [String] {
        lines.filter { $0.contains("127.0.0.1:\(port) ") || $0.contains("127.0.0.1:\(port):") }
      }
      if insecure {
        // A length past the limit is refused from its header alone (before anything is
        // allocated for it), a first frame of neither kind by its type: one line each.
        #expect(!refusedAtOnce.isEmpty)
        for port in refusedAtOnce { #expect(naming(port).count == 1, "\(naming(port))") }
        // Never two reasons for one connection (the refused first frame and the framing's error
        // over the bytes after it were both said before).
        for port in ports { #expect(naming(port).count <= 1, "\(naming(port))") }
      } else {
        // Not one of these is a handshake: every connection failed, one line each.
        for port in ports { #expect(naming(port).count == 1, "port \(port): \(naming(port))") }
      }
      for line in lines { #expect(!line.contains("secret")) }
    }

    @Test func plaintextPort() async throws {
      try await fuzz(insecure: true, seed: 31)
    }

    @Test func mutualTLSPort() async throws {
      try await fuzz(insecure: false, seed: 32)
    }

    /// A console whose certificate another authority signed, and one that speaks no TLS at all,
    /// get a failed handshake and nothing else: no state, no welcome; the daemon says why in
    /// one line each and goes on serving the console that has the right certificate.
    @Test func clientsWithoutAValidCertificateGetOnlyAFailedHandshake() async throws {
      let pair = try await DaemonPair(label: "stranger")
      let binary = try BuiltProduct.path("ldm-console")
      let other = pair.folder.appendingPathComponent("other")
      let made = try runCommand(
        binary, ["certs", "--out", other.path, "sparc-t4-a", "sparc-t4-b"], timeout: 60)
      #expect(made.status == 0, "\(made.errors)")
      let identity = try CertificateFolder(path: other.path).loadIdentity(.console)
      let address = Ldmd.Peer(host: "127.0.0.1", port: pair.b.port)
      let strangers = [
        DaemonLink(
          host: "sparc-t4-b", address: address, security: try .mutualTLS(identity: identity),
          log: { _ in }),
        DaemonLink(host: "sparc-t4-b", address: address, security: .plaintext, log: { _ in }),
      ]
      for link in strangers { link.start(on: OwnThreads.executor) }
      defer { for link in strangers { link.stop() } }
      let deadline = Date().addingTimeInterval(60)
      func failedHandshakes() -> Int {
        pair.b.lines.filter { $0.contains(" closed: ") && $0.contains("TLS") }.count
      }
      while failedHandshakes() < 2, Date() < deadline {
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(failedHandshakes() >= 2, "\(pair.b.lines)")
      for link in strangers { #expect(link.poll().snapshot == nil) }
      pair.linkB.send(.ldm(line: "ldm list", host: "sparc-t4-b", ticket: 9))
      try await pair.waitUntil("the good console served") { _, _ in
        pair.reports.contains { $0.ticket == 9 }
      }
      #expect(pair.b.isRunning)
    }
  }
}
