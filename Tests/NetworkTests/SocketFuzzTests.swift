import Foundation
import NIOCore
import Network
import Testing

/// Random bytes written to a listening framed server over real sockets, a bounded number of
/// times: each sequence ends only its own connection, with one logged line when it is not a
/// clean run of frames, and a good client connected throughout is still served.
@Suite struct SocketFuzzTests {
  static let iterations = 200

  /// Mostly noise, but shaped now and then like a frame or a TLS record, so that some sequences
  /// get past the first check.
  static func sequence(_ generator: inout SeededGenerator) -> [UInt8] {
    func some(_ range: ClosedRange<Int>) -> [UInt8] {
      generator.bytes(Int.random(in: range, using: &generator))
    }
    switch Int.random(in: 0..<6, using: &generator) {
    case 0:
      return some(1...64)
    case 1:
      // A frame's length with too few, exactly enough or too many bytes after it.
      return header(UInt32.random(in: 1...64, using: &generator)) + some(0...80)
    case 2:
      return header(0) + some(0...8)
    case 3:
      let over = UInt32(testLimit.maximumLength + 1)
      return header(UInt32.random(in: over...UInt32.max, using: &generator)) + some(0...16)
    case 4:
      // A TLS handshake record's header, then noise.
      return [0x16, 0x03, 0x01] + some(2...2) + some(0...200)
    default:
      return framed([some(1...16)]) + some(1...32)
    }
  }

  private func fuzz(
    security: ServerSecurity, client: ClientSecurity, seed: UInt64,
    expectedFailures: ([[UInt8]]) -> Int
  ) async throws {
    var generator = SeededGenerator(seed: seed)
    let sequences = (0..<Self.iterations).map { _ in Self.sequence(&generator) }
    let failures = expectedFailures(sequences)
    try await withEchoServer(security: security) { server, log, _ in
      let bystander = try await FrameClient.connect(
        host: "127.0.0.1", port: server.port, expectedName: hostB, security: client,
        limit: testLimit, log: { _ in })
      try await bystander.executeThenClose { inbound, outbound in
        var frames = inbound.makeAsyncIterator()
        _ = try await frames.next()
        for (round, bytes) in sequences.enumerated() {
          // Returns once the server has closed the connection.
          _ = try await within(seconds: 30, "sequence \(round) (seed \(seed))") {
            try await rawExchange(port: server.port, bytes: bytes, closeOutput: true)
          }
          if round % 50 == 49 {
            try await outbound.write(ByteBuffer(bytes: [UInt8(round)]))
            #expect(try await frames.next()?.bytes == [UInt8(round)], "after sequence \(round)")
          }
        }
      }
      let result = try await echo(port: server.port, security: client, frames: [[1, 2, 3]])
      #expect(result.echoes == [[1, 2, 3]])

      let lines = try await log.waitForLines(atLeast: failures)
      #expect(lines.count == failures, "seed \(seed)")
      // "connection from 127.0.0.1:PORT closed: …": the port names the connection.
      let connections = Set(lines.map { $0.split(separator: " ").dropFirst(2).first })
      #expect(connections.count == lines.count, "one line per connection")
      for line in lines {
        #expect(line.hasPrefix("connection from 127.0.0.1:") && line.contains(" closed: "))
      }
    }
  }

  @Test func plaintext() async throws {
    try await fuzz(security: .plaintext, client: .plaintext, seed: 21) { sequences in
      // A clean run of frames closes quietly; anything else is one line.
      sequences.filter { bytes in
        let reading = FramingTests.referenceReading(bytes, maximum: testLimit.maximumLength)
        let consumed = reading.frames.reduce(0) { $0 + 4 + $1.count }
        return reading.refusal != nil || consumed != bytes.count
      }.count
    }
  }

  @Test func mutualTLS() async throws {
    let pki = try TestPKI()
    // Not one of these sequences is a handshake: every one is a failed connection.
    try await fuzz(security: try pki.server(), client: try pki.client(), seed: 22) {
      $0.count
    }
  }
}
