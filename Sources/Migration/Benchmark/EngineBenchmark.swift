import Foundation
import Hypervisor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The engine's quality bars, measured in one run (`ldm-console bench`): copy speed against
/// `memcpy`, memory use of a large sparse domain, and pre-copy against the textbook model.
public enum EngineBenchmark {
  public struct CopySpeed: Sendable, Codable {
    /// `memcpy` of the same 8 KiB pages into fresh memory, GB/s (10^9 bytes per second).
    public var memcpyGBps: Double
    /// The engine moving a 1 GiB domain of non-zero pages over an unlimited link, GB/s,
    /// counting phases 3 and 4 (page moving) only.
    public var engineGBps: Double
    public var ratio: Double
    /// The SHA-256 comparison of both memories before hand-off, reported apart.
    public var verificationSeconds: Double
    public var bytes: UInt64
  }

  public struct SparseDomain: Sendable, Codable {
    public var domainBytes: UInt64
    public var touchedBytes: UInt64
    public var migrationSeconds: Double
    /// Peak resident memory of the process during the measurement, bytes.
    public var peakResidentBytes: UInt64?
  }

  public struct PreCopy: Sendable, Codable {
    public struct Model: Sendable, Codable {
      public var passes: Int
      public var transferredBytes: Double
      public var downtimeSeconds: Double
      public var totalSeconds: Double
    }
    public var domain: String
    public var bandwidthBitsPerSecond: Double
    public var measured: Model
    /// λ used by the model: mean dirty rate over bandwidth.
    public var lambda: Double
    public var predicted: Model
  }

  // MARK: Copy speed

  public static func copySpeed(repetitions: Int = 3) throws -> CopySpeed {
    let bytes: UInt64 = 1 << 30
    let pages = Int(bytes) / GuestMemory.pageSize
    // memcpy: the same pages, page by page, into fresh memory each time (as the target's is).
    let source = GuestMemory(byteCount: bytes)
    source.fill(fraction: 1, seed: 42)
    var memcpyBest = Double.infinity
    for _ in 0..<repetitions {
      let destination = GuestMemory(byteCount: bytes)
      let start = ContinuousClock.now
      for page in 0..<pages {
        memcpy(
          destination.storageForOverwrite(ofPage: page), source.bytes(ofPage: page)!,
          GuestMemory.pageSize)
      }
      memcpyBest = min(memcpyBest, seconds(since: start))
    }
    var engineBest = Double.infinity
    var verification = 0.0
    for _ in 0..<repetitions {
      let datacenter = try Datacenter(
        scenario: ScenarioLoader.load(text: scenario(domainMemory: "1G", fill: 1), file: "bench"),
        settings: EngineSettings(link: .unlimited))
      let id = try datacenter.startMigration(request)
      datacenter.advance(until: { datacenter.migration(id)!.isFinished })
      let migration = datacenter.migration(id)!
      guard migration.outcome == .completed else {
        throw HypervisorError("benchmark migration did not complete: \(migration.outcome!)")
      }
      if migration.transferWallTime < engineBest {
        engineBest = migration.transferWallTime
        verification = migration.verificationWallTime
      }
    }
    let memcpyRate = Double(bytes) / memcpyBest / 1e9
    let engineRate = Double(bytes) / engineBest / 1e9
    return CopySpeed(
      memcpyGBps: memcpyRate, engineGBps: engineRate, ratio: engineRate / memcpyRate,
      verificationSeconds: verification, bytes: bytes)
  }

  // MARK: Sparse domain

  public static func sparseDomain() throws -> SparseDomain {
    resetPeakResident()
    let datacenter = try Datacenter(
      scenario: ScenarioLoader.load(
        text: scenario(domainMemory: "64G", fill: 1.0 / 64), file: "bench"),
      settings: EngineSettings(link: .unlimited))
    let touched = datacenter.host(named: "bench-a")!.domain(named: "guest")!.memory!.residentPages
    let id = try datacenter.startMigration(request)
    let start = ContinuousClock.now
    datacenter.advance(until: { datacenter.migration(id)!.isFinished })
    let elapsed = seconds(since: start)
    guard datacenter.migration(id)!.outcome == .completed else {
      throw HypervisorError("benchmark migration did not complete")
    }
    return SparseDomain(
      domainBytes: 64 << 30, touchedBytes: UInt64(touched * GuestMemory.pageSize),
      migrationSeconds: elapsed, peakResidentBytes: peakResident())
  }

  // MARK: Pre-copy against the model

  /// Migrates the built-in `ldom02` (`database`) over the scenario's link on the virtual clock,
  /// and sets it beside the standard pre-copy model: rounds shrinking by λ = D / B.
  public static func preCopy(scenario: Scenario) throws -> PreCopy {
    let datacenter = try Datacenter(scenario: scenario)
    let id = try datacenter.startMigration(
      MigrationRequest(
        sourceHost: scenario.hosts[0].name, domain: "ldom02", targetHost: scenario.hosts[1].name,
        password: scenario.hosts[1].users["root"] ?? ""))
    datacenter.advance(until: { datacenter.migration(id)!.isFinished })
    let migration = datacenter.migration(id)!
    guard migration.outcome == .completed, let first = migration.passes.first else {
      throw HypervisorError("benchmark migration of ldom02 did not complete")
    }
    let settings = datacenter.settings
    let bandwidth = settings.link.bytesPerSecond ?? first.throughput
    let measured = PreCopy.Model(
      passes: migration.passes.count,
      transferredBytes: Double(migration.statistics.transferredBytes),
      downtimeSeconds: migration.statistics.actualDowntime ?? 0,
      totalSeconds: migration.statistics.elapsed - migration.statistics.setupTime)
    // The model: pass 1 sends V0; each later pass sends what was dirtied during the previous
    // one, V(i+1) = λ·V(i); stop when a pass fits the downtime limit or at the pass limit.
    let dirtyRate =
      migration.passes.map { $0.dirtyRate * $0.duration }.reduce(0, +)
      / migration.passes.map(\.duration).reduce(0, +)
    let lambda = dirtyRate / bandwidth
    var volume = Double(first.bytesSent)
    var transferred = 0.0
    var time = 0.0
    var passes = 0
    while true {
      passes += 1
      transferred += volume
      time += volume / bandwidth
      volume *= lambda
      if volume / bandwidth <= settings.downtimeLimit || passes >= settings.maxPasses { break }
    }
    let downtime = volume / bandwidth
    let predicted = PreCopy.Model(
      passes: passes, transferredBytes: transferred + volume, downtimeSeconds: downtime,
      totalSeconds: time + downtime)
    return PreCopy(
      domain: "ldom02", bandwidthBitsPerSecond: bandwidth * 8, measured: measured,
      lambda: lambda, predicted: predicted)
  }

  // MARK: Helpers

  static let request = MigrationRequest(
    sourceHost: "bench-a", domain: "guest", targetHost: "bench-b", password: "bench")

  static func scenario(domainMemory: String, fill: Double) -> String {
    func host(_ name: String, guest: Bool) -> String {
      """
        - name: \(name)
          cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 64 }
          memory: 96G
          users: { root: bench }
          services:
            vsw: [ { name: primary-vsw0 } ]
            vcc: [ { name: primary-vcc0, ports: 5000-5100 } ]
          domains:
            - { name: primary, control: true, vcpus: 8, memory: 8G }
      """
        + (guest
          ? "\n      - { name: guest, vcpus: 8, memory: \(domainMemory), workload: idle,"
            + " fill: \(fill) }"
          : "")
    }
    return "hosts:\n" + host("bench-a", guest: true) + "\n" + host("bench-b", guest: false) + "\n"
  }

  static func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).inSeconds
  }

  /// Linux resets the peak-RSS mark when `5` is written to clear_refs.
  static func resetPeakResident() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  }

  /// VmHWM from /proc/self/status, in bytes; nil where there is no /proc.
  public static func peakResident() -> UInt64? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return nil
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let digits = line.filter(\.isNumber)
      return UInt64(digits).map { $0 * 1024 }
    }
    return nil
  }
}
