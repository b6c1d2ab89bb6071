import Foundation
import Network
import TestSupport
import Testing

/// The namespace harness itself, proven with a framed TLS echo server in one namespace and a
/// client in the other (`frame-echo`, started with `ip netns exec`), as the daemon tests will
/// run two daemons.
// Needs `ip netns add` (root or CAP_NET_ADMIN); where it is not permitted the reason is printed
// and these tests are skipped, while the loopback tests run.
@Suite(
  .serialized,
  .enabled(if: NamespacePair.isAvailable, "needs ip netns: root or CAP_NET_ADMIN"))
struct NamespaceTests {
  /// Certificates for both hosts in a scratch folder, for the length of `body`.
  private func withCertificates<T>(_ body: (String) throws -> T) throws -> T {
    try withScratchFolder { path in
      try CertificateFolder(path: path).writeNewSet(
        hosts: hostNames("sparc-t4-a", "sparc-t4-b"), overwrite: false)
      return try body(path)
    }
  }

  /// `frame-echo serve` on side a's address; returns it and its port.
  private func startServer(in pair: NamespacePair, certificates: String) throws -> (
    ChildProcess, Int
  ) {
    let server = try pair.start(
      in: .a,
      [
        try BuiltProduct.path("frame-echo"), "serve", "\(pair.address(.a)):0", "--certs",
        certificates, "--name", "sparc-t4-a",
      ])
    let line = try server.waitForLine { $0.hasPrefix("listening on ") || $0.hasPrefix("error:") }
    guard let port = Int(line.dropFirst("listening on ".count)) else {
      throw NamespacePair.Failure(description: "frame-echo did not start: \(line)")
    }
    return (server, port)
  }

  private func startClient(
    in pair: NamespacePair, port: Int, certificates: String
  ) throws -> ChildProcess {
    try pair.start(
      in: .b,
      [
        try BuiltProduct.path("frame-echo"), "call", "\(pair.address(.a)):\(port)", "--expect",
        "sparc-t4-a", "--certs", certificates, "--name", "sparc-t4-b", "--answer-timeout", "1000",
      ])
  }

  @Test func aListenerInOneNamespaceIsReachedFromTheOther() throws {
    try withCertificates { certificates in
      try withNamespacePair { pair in
        let (_, port) = try startServer(in: pair, certificates: certificates)
        let client = try startClient(in: pair, port: port, certificates: certificates)
        #expect(
          try client.waitForLine { $0 == "connected" || $0.hasPrefix("error:") } == "connected")
        client.send("ping 1")
        #expect(
          try client.waitForLine { $0.hasPrefix("echo:") || $0.hasPrefix("no answer") }
            == "echo: ping 1")
        // The machine's own namespace has no route to the pair's addresses.
        let route = try runCommand(
          NamespacePair.ipPath ?? "ip", ["route", "get", pair.address(.a)])
        #expect(!route.output.contains("veth-"))
      }
    }
  }

  @Test func aLinkSetDownStopsTheConnection() throws {
    try withCertificates { certificates in
      try withNamespacePair { pair in
        let (_, port) = try startServer(in: pair, certificates: certificates)
        let client = try startClient(in: pair, port: port, certificates: certificates)
        try client.waitForLine { $0 == "connected" }
        client.send("before")
        #expect(try client.waitForLine { $0.hasPrefix("echo:") } == "echo: before")

        try pair.setLink(.b, up: false)
        let seen = client.lines.count
        client.send("during")
        #expect(
          try client.waitForLine(after: seen) { $0.hasPrefix("echo:") || $0.hasPrefix("no answer") }
            == "no answer within 1000 ms")
        let refused = try startClient(in: pair, port: port, certificates: certificates)
        let attempt = try refused.waitForLine { $0 == "connected" || $0.hasPrefix("error:") }
        #expect(
          attempt == "error: cannot connect to sparc-t4-a (\(pair.address(.a)):\(port)): "
            + "network is unreachable")

        try pair.setLink(.b, up: true)
        let again = try startClient(in: pair, port: port, certificates: certificates)
        #expect(
          try again.waitForLine { $0 == "connected" || $0.hasPrefix("error:") } == "connected")
        again.send("after")
        #expect(try again.waitForLine { $0.hasPrefix("echo:") } == "echo: after")
      }
    }
  }

  @Test func aShapedLinkCarriesATokenBucketOnBothEnds() throws {
    try withNamespacePair(shape: NamespacePair.Shape(rate: "1gbit")) { pair in
      for side in NamespacePair.Side.allCases {
        let qdisc = try pair.run(in: side, ["tc", "qdisc", "show", "dev", pair.interface(side)])
        #expect(qdisc.output.contains("tbf"), "\(qdisc.output)")
        #expect(qdisc.output.contains("rate 1Gbit"), "\(qdisc.output)")
      }
      let ping = try pair.run(in: .b, ["ip", "route", "get", pair.address(.a)])
      #expect(ping.output.contains("dev veth-b"))
    }
  }

  @Test func everythingItMadeIsRemovedEvenWhenTheTestFails() throws {
    struct Deliberate: Error {}
    var names: [String] = []
    var child: ChildProcess?
    #expect(throws: Deliberate.self) {
      try withNamespacePair { pair in
        names = Array(pair.names.values)
        child = try pair.start(in: .a, ["sleep", "600"])
        #expect(Set(NamespacePair.listed()).isSuperset(of: names))
        throw Deliberate()
      }
    }
    #expect(names.count == 2)
    #expect(Set(NamespacePair.listed()).isDisjoint(with: names))
    #expect(child?.isRunning == false)
  }

  @Test func namespacesLeftByACrashedRunAreRemoved() throws {
    // A pid that no process has: a child that has ended.
    let ended = Process()
    ended.executableURL = URL(fileURLWithPath: "/bin/true")
    try ended.run()
    ended.waitUntilExit()
    let stale = "\(NamespacePair.prefix)\(ended.processIdentifier)-1-a"
    let ip = NamespacePair.ipPath ?? "ip"
    _ = try runCommand(ip, ["netns", "add", stale])
    defer { _ = try? runCommand(ip, ["netns", "delete", stale]) }
    #expect(NamespacePair.listed().contains(stale))
    try withNamespacePair { _ in
      #expect(!NamespacePair.listed().contains(stale))
    }
  }
}
