import Compression
import Daemon
import Engine
import Foundation
import LdmCommands
import Migration
import TestSupport
import Testing

extension Daemons {
  /// Migrations between two real daemons on loopback, driven by control connections as the
  /// console drives them. Serialized: each test runs two daemons holding real guest memory.
  @Suite(.serialized) struct DaemonMigrationTests {
    static let request = MigrationRequest(
      sourceHost: "sparc-t4-a", domain: "ldom01", targetHost: "sparc-t4-b", password: "secret",
      targetName: "ldom_other")

    /// Waits for ldom01 to arrive on sparc-t4-b as ldom_other and leave sparc-t4-a; the
    /// migration as the source's daemon tells it, completed with matching digests.
    static func completed(_ pair: DaemonPair) async throws -> (
      migration: MigrationSnapshot, target: DatacenterSnapshot?
    ) {
      let (a, b) = try await pair.waitUntil("ldom_other active on sparc-t4-b") { a, b in
        pair.domain("ldom_other", in: b) == "active -n----" && pair.domain("ldom01", in: a) == nil
      }
      let migration = try #require(a?.migrations.first { $0.domain == "ldom01" })
      #expect(migration.outcome == .completed)
      #expect(migration.statistics.sourceDigest == migration.statistics.targetDigest)
      #expect(migration.statistics.sourceDigest != nil)
      return (migration, b)
    }

    @Test func aMigrationBetweenDaemonsCompletesOverMutualTLS() async throws {
      let pair = try await DaemonPair(label: "tls")
      pair.linkA.send(.migrate(Self.request, ticket: 1))
      try await pair.waitUntil("the source -n---s and the target -----t") { a, b in
        pair.domain("ldom01", in: a)?.hasSuffix("-n---s") == true
          && pair.domain("ldom_other", in: b) == "bound -----t"
      }
      let (migration, b) = try await Self.completed(pair)
      #expect(b?.hosts.first?.domain(named: "ldom_other")?.consolePort != nil)
      #expect(pair.reports.contains(.migrationStarted(ticket: 1, id: migration.id)))
      // Both daemons told the story; the target's part comes from the target's daemon.
      #expect(pair.events.contains { $0.kind == .completed && $0.host == "sparc-t4-a" })
      #expect(pair.events.contains { $0.kind == .resumed && $0.host == "sparc-t4-b" })
      // The password went over TLS only: never in a log line.
      for line in pair.a.lines + pair.b.lines { #expect(!line.contains("secret"), "\(line)") }
    }

    /// `ldmd --compress zstd`: the hello between the daemons agrees on zstd, the pages go over
    /// TCP compressed, and the target's daemon reports what decompressing cost it.
    @Test func aCompressedMigrationBetweenDaemonsCompletes() async throws {
      let pair = try await DaemonPair(label: "zstd", extra: ["--compress", "zstd"])
      pair.linkA.send(.migrate(Self.request, ticket: 1))
      let (migration, _) = try await Self.completed(pair)
      let compression = try #require(migration.statistics.compression)
      #expect(compression.codec == .zstd)
      #expect(try #require(compression.statistics.ratio) > 1.2)
      let resumed = pair.events.compactMap { event -> CompressionFigures? in
        guard event.host == "sparc-t4-b", case .resumed(_, let figures, _) = event.detail else {
          return nil
        }
        return figures
      }
      #expect(resumed.first?.statistics.compressedBytes == compression.statistics.compressedBytes)
    }

    /// `ldmd --xbzrle`: the hello between the daemons agrees on XBZRLE, the pages the guest
    /// wrote during the transfer go again (as differences where the cache held them), and the
    /// memory arrives whole.
    @Test func aMigrationWithXBZRLEBetweenDaemonsCompletes() async throws {
      let pair = try await DaemonPair(label: "xbzrle", extra: ["--xbzrle", "--channels", "2"])
      pair.linkA.send(.migrate(Self.request, ticket: 1))
      let (migration, _) = try await Self.completed(pair)
      let figures = try #require(migration.statistics.xbzrle)
      #expect(figures.cacheBytes == 64 << 20)
      // The completion the console hears carries the same figures.
      #expect(
        pair.events.contains { event in
          guard event.host == "sparc-t4-a",
            case .completed(_, _, _, _, _, _, let xbzrle) = event.detail
          else { return false }
          return xbzrle == figures
        })
    }

    /// `ldmd --channels 2`: the source's daemon opens two page connections to the target's
    /// beside the main one, each carries a share of the pages, and the target's daemon counts
    /// on each connection exactly what the source wrote on it.
    @Test func aMigrationOnTwoChannelsBetweenDaemonsCompletes() async throws {
      let pair = try await DaemonPair(label: "channels", extra: ["--channels", "2"])
      pair.linkA.send(.migrate(Self.request, ticket: 1))
      let (migration, _) = try await Self.completed(pair)
      let sent = try #require(migration.statistics.channels)
      #expect(sent.map(\.index) == [0, 1])
      #expect(sent.allSatisfy { $0.pages > 0 && $0.batches > 0 })
      let pages = migration.statistics.normalPages + migration.statistics.zeroPages
      #expect(UInt64(sent.reduce(0) { $0 + $1.pages }) == pages)
      let received = pair.events.compactMap { event -> [ChannelFigures]? in
        guard event.host == "sparc-t4-b", case .resumed(_, _, let channels) = event.detail else {
          return nil
        }
        return channels
      }
      let target = try #require(received.first)
      #expect(target.map(\.bytes) == sent.map(\.bytes))
      #expect(target.map(\.pages) == sent.map(\.pages))
    }
  }
}
