import Foundation
import Hypervisor
import Migration

/// XBZRLE measured (issue 12's stretch): ldom02 of the built-in scenario on its paced 1 Gbit/s
/// link, on the virtual clock, without XBZRLE and with caches of two sizes.
extension EngineBenchmark {
  public struct XBZRLERun: Sendable, Codable {
    /// nil: without XBZRLE.
    public var cacheBytes: UInt64?
    public var totalSeconds: Double
    public var downtimeSeconds: Double
    public var passes: Int
    public var wireBytes: UInt64
    /// Bytes of every pass after the first, and of the final copy's pages: what went again.
    public var resentBytes: UInt64
    public var figures: XBZRLEFigures?
  }

  public struct XBZRLEOnLink: Sendable, Codable {
    public var domain: String
    public var bandwidthBitsPerSecond: Double
    public var runs: [XBZRLERun]
    /// Total time without XBZRLE over the best total time with it.
    public var speedup: Double
  }

  public static func xbzrleOnLink(scenario: Scenario) throws -> XBZRLEOnLink {
    var runs: [XBZRLERun] = []
    for cache in [nil, 64 << 20, 256 << 20] as [UInt64?] {
      var settings = EngineSettings(scenario.migration)
      settings.xbzrle = cache != nil
      if let cache { settings.xbzrleCacheBytes = cache }
      let datacenter = try Datacenter(scenario: scenario, settings: settings)
      let id = try datacenter.startMigration(
        MigrationRequest(
          sourceHost: scenario.hosts[0].name, domain: "ldom02",
          targetHost: scenario.hosts[1].name, password: scenario.hosts[1].users["root"] ?? ""))
      // What the pages of the final copy took: what left between the suspension and the end.
      var atSuspension: UInt64?
      datacenter.advance(until: {
        let migration = datacenter.migration(id)!
        if atSuspension == nil, migration.phase >= .suspension {
          atSuspension = migration.statistics.transferredBytes
        }
        return migration.isFinished
      })
      let migration = datacenter.migration(id)!
      guard migration.outcome == .completed else {
        throw HypervisorError("benchmark migration of ldom02 with XBZRLE did not complete")
      }
      let statistics = migration.statistics
      let final = statistics.transferredBytes - (atSuspension ?? statistics.transferredBytes)
      runs.append(
        XBZRLERun(
          cacheBytes: cache, totalSeconds: statistics.elapsed,
          downtimeSeconds: statistics.actualDowntime ?? 0, passes: migration.passes.count,
          wireBytes: statistics.transferredBytes,
          resentBytes: migration.passes.dropFirst().reduce(0) { $0 + $1.bytesSent } + final,
          figures: statistics.xbzrle))
    }
    let best = runs.dropFirst().map(\.totalSeconds).min() ?? runs[0].totalSeconds
    return XBZRLEOnLink(
      domain: "ldom02", bandwidthBitsPerSecond: scenario.migration.bandwidth ?? 0, runs: runs,
      speedup: runs[0].totalSeconds / best)
  }
}
