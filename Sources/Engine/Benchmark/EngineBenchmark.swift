import Foundation
import Hypervisor
import Migration

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The engine's quality bars, measured in one run (`ldm-console bench`): the migration
/// stream's speed against `memcpy`, memory use of a large sparse domain, and pre-copy against
/// the textbook model.
public enum EngineBenchmark {
  /// The page stream against plain copies of the same pages, in one run.
  public struct StreamSpeed: Sendable, Codable {
    /// A plain `memcpy` of the pages into freshly mapped memory (an anonymous mapping, the
    /// kernel's default pages), GB/s.
    public var freshMemcpyGBps: Double
    /// `memcpy` of the pages into memory already mapped and touched, GB/s.
    public var warmMemcpyGBps: Double
    /// `memcpy` of the pages into fresh guest memory as a target gets it (slabs advised as
    /// huge pages), GB/s: the stream is this copy plus the copy of every page into its frame.
    public var freshGuestMemcpyGBps: Double
    public var ratioToFreshGuestMemcpy: Double
    /// The stream: encoded into batches on the source, over the in-process channel, decoded
    /// into the target's memory, phases 3 and 4 only, GB/s.
    public var streamGBps: Double
    public var ratioToFreshMemcpy: Double
    public var ratioToWarmMemcpy: Double
    /// Bytes that went on the wire, frames included.
    public var wireBytes: UInt64
    /// The SHA-256 of the source's memory before hand-off, reported apart.
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

  // MARK: Stream speed

  public static func streamSpeed(repetitions: Int = 3) throws -> StreamSpeed {
    let bytes: UInt64 = 1 << 30
    let pages = Int(bytes) / GuestMemory.pageSize
    let source = GuestMemory(byteCount: bytes)
    source.fill(fraction: 1, seed: 42)
    func copy(into destination: (Int) -> UnsafeMutableRawPointer) -> Double {
      let start = ContinuousClock.now
      for page in 0..<pages {
        memcpy(destination(page), source.bytes(ofPage: page)!, GuestMemory.pageSize)
      }
      return seconds(since: start)
    }
    var fresh = Double.infinity
    var warm = Double.infinity
    var freshGuest = Double.infinity
    for _ in 0..<repetitions {
      guard
        let mapped = mmap(
          nil, Int(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        mapped != MAP_FAILED
      else { throw HypervisorError("benchmark could not map \(bytes) bytes") }
      fresh = min(fresh, copy { mapped + $0 * GuestMemory.pageSize })
      warm = min(warm, copy { mapped + $0 * GuestMemory.pageSize })
      munmap(mapped, Int(bytes))
      let guest = GuestMemory(byteCount: bytes)
      freshGuest = min(freshGuest, copy { guest.storageForOverwrite(ofPage: $0) })
    }
    var stream = Double.infinity
    var verification = 0.0
    var wire: UInt64 = 0
    for _ in 0..<repetitions {
      let datacenter = try Datacenter(
        scenario: ScenarioLoader.load(text: scenario(domainMemory: "1G", fill: 1), file: "bench"),
        settings: EngineSettings(link: .unlimited))
      let id = try datacenter.startMigration(request)
      // Held at the start of phase 3: on an unlimited link the rest happens in one slice.
      datacenter.advance(
        until: { datacenter.migration(id)!.phase >= .stateTransfer }, stoppingAtPhaseChanges: true)
      guard let half = datacenter.manager(named: request.targetHost)?.incoming.first else {
        throw HypervisorError("benchmark migration has no destination")
      }
      let start = ContinuousClock.now
      datacenter.advance(until: { datacenter.migration(id)!.isFinished })
      let elapsed = seconds(since: start)
      let migration = datacenter.migration(id)!
      guard migration.outcome == .completed else {
        throw HypervisorError("benchmark migration did not complete: \(migration.outcome!)")
      }
      // Both sides' digests are reported apart: they verify, they do not move pages.
      let digests = migration.verificationWallTime + half.verificationWallTime
      let moving = elapsed - digests
      if moving < stream {
        stream = moving
        verification = digests
        wire = migration.statistics.transferredBytes
      }
    }
    let freshRate = Double(bytes) / fresh / 1e9
    let warmRate = Double(bytes) / warm / 1e9
    let freshGuestRate = Double(bytes) / freshGuest / 1e9
    let streamRate = Double(bytes) / stream / 1e9
    return StreamSpeed(
      freshMemcpyGBps: freshRate, warmMemcpyGBps: warmRate,
      freshGuestMemcpyGBps: freshGuestRate,
      ratioToFreshGuestMemcpy: streamRate / freshGuestRate, streamGBps: streamRate,
      ratioToFreshMemcpy: streamRate / freshRate, ratioToWarmMemcpy: streamRate / warmRate,
      wireBytes: wire, verificationSeconds: verification, bytes: bytes)
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
    // The model from the start of pass 1, on the link's bandwidth and the mean dirty rate.
    let dirtyRate =
      migration.passes.map { $0.dirtyRate * $0.duration }.reduce(0, +)
      / migration.passes.map(\.duration).reduce(0, +)
    let lambda = dirtyRate / bandwidth
    guard
      let model = PreCopyModel.estimate(
        pending: Double(first.bytesSent), dirty: 0, throughput: bandwidth,
        dirtyRate: dirtyRate, latency: settings.link.latency,
        downtimeLimit: settings.downtimeLimit, passesLeft: settings.maxPasses)
    else { throw HypervisorError("the pre-copy model needs a bandwidth") }
    let predicted = PreCopy.Model(
      passes: model.passes, transferredBytes: model.bytes, downtimeSeconds: model.downtime,
      totalSeconds: model.seconds)
    return PreCopy(
      domain: "ldom02", bandwidthBitsPerSecond: bandwidth * 8, measured: measured,
      lambda: lambda, predicted: predicted)
  }

  // MARK: Helpers

  static let request = MigrationRequest(
    sourceHost: "bench-a", domain: "guest", targetHost: "bench-b", password: "bench")

  static func scenario(domainMemory: String, fill: Double, content: String? = nil) -> String {
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
            + " fill: \(fill)\(content.map { ", content: \($0)" } ?? "") }"
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
