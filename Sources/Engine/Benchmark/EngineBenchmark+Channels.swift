import Compression
import Foundation
import Hypervisor
import Migration

/// Parallel channels measured (issue 12): a 1 GiB domain of realistic content migrated on an
/// unlimited link with 1 and then 2 page channels, each codec, on the wall clock of the work
/// itself (phases 3 and 4, the digests apart).
extension EngineBenchmark {
  public struct ChannelRun: Sendable, Codable {
    public var codec: String
    public var channels: Int
    /// Phases 3 and 4 on the wall clock, the two digests taken out, seconds (best run).
    public var seconds: Double
    /// Bytes of guest memory moved per wall second.
    public var bytesPerSecond: Double
    /// CPU time of the process over the same stretch, per wall second: how many cores worked.
    public var cores: Double
  }

  public struct ChannelSpeed: Sendable, Codable {
    public var bytes: UInt64
    public var content: String
    public var runs: [ChannelRun]
    /// Throughput with 2 channels over throughput with 1, per codec.
    public var speedups: [String: Double]
    /// The figure of the goal: zstd's speedup (the codec with the most work per page, as
    /// QEMU's multifd channels pair with zstd).
    public var speedup: Double
  }

  /// Migrates a 1 GiB `mixed` domain with 1 and 2 channels for each codec, `repetitions`
  /// times each, and keeps each configuration's best run.
  public static func channelSpeed(repetitions: Int = 3) throws -> ChannelSpeed {
    let bytes: UInt64 = 1 << 30
    let scenario = try ScenarioLoader.load(
      text: scenario(domainMemory: "1G", fill: 1, content: "mixed"), file: "bench")
    var runs: [ChannelRun] = []
    for codec in CompressionCodec.allCases {
      for channels in [1, 2] {
        var best: ChannelRun?
        for _ in 0..<repetitions {
          let run = try channelRun(scenario, codec: codec, channels: channels, bytes: bytes)
          if run.seconds < best?.seconds ?? .infinity { best = run }
        }
        if let best { runs.append(best) }
      }
    }
    var speedups: [String: Double] = [:]
    for codec in CompressionCodec.allCases {
      let of = { (channels: Int) in
        runs.first { $0.codec == codec.rawValue && $0.channels == channels }?.bytesPerSecond ?? 0
      }
      speedups[codec.rawValue] = of(2) / max(of(1), 1)
    }
    return ChannelSpeed(
      bytes: bytes, content: "mixed", runs: runs, speedups: speedups,
      speedup: speedups[CompressionCodec.zstd.rawValue] ?? 0)
  }

  static func channelRun(
    _ scenario: Scenario, codec: CompressionCodec, channels: Int, bytes: UInt64
  ) throws -> ChannelRun {
    let datacenter = try Datacenter(
      scenario: scenario,
      settings: EngineSettings(link: .unlimited, compression: codec, channels: channels))
    let id = try datacenter.startMigration(request)
    // Held at the start of phase 3: on an unlimited link the rest happens in one slice.
    datacenter.advance(
      until: { datacenter.migration(id)!.phase >= .stateTransfer }, stoppingAtPhaseChanges: true)
    guard let half = datacenter.manager(named: request.targetHost)?.incoming.first else {
      throw HypervisorError("benchmark migration has no destination")
    }
    let cpuStart = ProcessCPU.seconds()
    let start = ContinuousClock.now
    datacenter.advance(until: { datacenter.migration(id)!.isFinished })
    let elapsed = seconds(since: start)
    let cpu = ProcessCPU.seconds() - cpuStart
    let migration = datacenter.migration(id)!
    guard migration.outcome == .completed else {
      throw HypervisorError(
        "benchmark migration with \(channels) channels and \(codec) did not complete:"
          + " \(migration.outcome.map { "\($0)" } ?? "unfinished")")
    }
    guard (migration.statistics.channels?.count ?? 1) == channels else {
      throw HypervisorError("benchmark migration was not granted \(channels) channels")
    }
    // Both sides' digests are reported apart: they verify, they do not move pages. Their
    // stripes are hashed on every core, so their CPU time is more than their wall time.
    let digests = migration.verificationWallTime + half.verificationWallTime
    let digestsCPU = migration.verificationCPUTime + half.verificationCPUTime
    let moving = max(elapsed - digests, 1e-9)
    return ChannelRun(
      codec: codec.rawValue, channels: channels, seconds: moving,
      bytesPerSecond: Double(bytes) / moving, cores: max(cpu - digestsCPU, 0) / moving)
  }
}
