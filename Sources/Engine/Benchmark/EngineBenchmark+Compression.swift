import Compression
import Foundation
import Hypervisor
import Migration

/// Compression measured (issue 12): migrations of ldom02 with each codec on the paced link,
/// and our per-batch ratio of each content profile beside what Debian's command-line tools
/// make of the same bytes.
extension EngineBenchmark {
  public struct CodecRun: Sendable, Codable {
    public var codec: String
    /// The whole migration, pre-checks included, on the virtual clock, seconds.
    public var totalSeconds: Double
    /// Phases 3 and 4 only, seconds.
    public var transferSeconds: Double
    public var downtimeSeconds: Double
    public var passes: Int
    public var wireBytes: UInt64
    /// Records in per bytes on the wire of the page batches; nil for none.
    public var ratio: Double?
    /// Thread CPU time spent compressing on the source and decompressing on the target.
    public var compressCPUSeconds: Double
    public var decompressCPUSeconds: Double
    /// Bytes of records the compressor took per CPU second, against the bytes of records the
    /// link carried per second of the transfer: the virtual clock does not charge CPU time, so
    /// the figures hold only while the codec keeps ahead of the link.
    public var compressBytesPerCPUSecond: Double?
    public var linkRecordBytesPerSecond: Double?
  }

  public struct CompressionOnLink: Sendable, Codable {
    public var domain: String
    public var bandwidthBitsPerSecond: Double
    public var runs: [CodecRun]
    /// none's total time over the better codec's.
    public var speedup: Double
    public var betterCodec: String
  }

  /// Migrates the built-in ldom02 (database, the realistic mix) with each codec on the
  /// scenario's link (1 Gbit/s, paced in-process) on the virtual clock.
  public static func compressionOnLink(scenario: Scenario) throws -> CompressionOnLink {
    var runs: [CodecRun] = []
    for codec in CompressionCodec.allCases {
      var settings = EngineSettings(scenario.migration)
      settings.compression = codec
      let datacenter = try Datacenter(scenario: scenario, settings: settings)
      var decompression: CompressionFigures?
      datacenter.eventSink = { event in
        if case .resumed(_, let figures, _) = event.detail { decompression = figures }
      }
      let id = try datacenter.startMigration(
        MigrationRequest(
          sourceHost: scenario.hosts[0].name, domain: "ldom02",
          targetHost: scenario.hosts[1].name, password: scenario.hosts[1].users["root"] ?? ""))
      datacenter.advance(until: { datacenter.migration(id)!.isFinished })
      let migration = datacenter.migration(id)!
      guard migration.outcome == .completed else {
        throw HypervisorError("benchmark migration of ldom02 with \(codec) did not complete")
      }
      let statistics = migration.statistics
      let transfer = statistics.elapsed - statistics.setupTime
      let compressed = statistics.compression?.statistics
      runs.append(
        CodecRun(
          codec: codec.rawValue, totalSeconds: statistics.elapsed, transferSeconds: transfer,
          downtimeSeconds: statistics.actualDowntime ?? 0, passes: migration.passes.count,
          wireBytes: statistics.transferredBytes, ratio: compressed?.ratio,
          compressCPUSeconds: compressed?.cpuTime.inSeconds ?? 0,
          decompressCPUSeconds: decompression?.statistics.cpuTime.inSeconds ?? 0,
          compressBytesPerCPUSecond: compressed?.bytesPerCPUSecond,
          linkRecordBytesPerSecond: compressed.map { Double($0.uncompressedBytes) / transfer }))
    }
    let none = runs[0]
    let better = runs.dropFirst().min { $0.totalSeconds < $1.totalSeconds }!
    return CompressionOnLink(
      domain: "ldom02", bandwidthBitsPerSecond: scenario.migration.bandwidth ?? 0, runs: runs,
      speedup: none.totalSeconds / better.totalSeconds, betterCodec: better.codec)
  }

  public struct ProfileRatio: Sendable, Codable {
    public var profile: String
    /// Bytes of page records (zero pages as their markers), the input of every codec here.
    public var recordBytes: Int
    /// Our codecs, one block per batch of 64 pages.
    public var lz4: Double
    public var zstd: Double
    /// Debian's tools on the same bytes as one file (a stream, so a longer window than a
    /// batch); nil when the tool is not installed.
    public var lz4Tool: Double?
    public var zstdTool: Double?
  }

  public struct ProfileRatios: Sendable, Codable {
    public var profiles: [ProfileRatio]
    /// Tools that were not found, said so rather than left out silently.
    public var missingTools: [String]
  }

  /// Each content profile's memory (`bytes` of it, filled whole) as the page records a source
  /// sends, compressed per batch with lz4 and zstd and, in the same run, by `lz4` and `zstd -1`.
  public static func profileRatios(bytes: UInt64 = 64 << 20) throws -> ProfileRatios {
    let tools = ["/usr/bin/lz4", "/usr/bin/zstd"]
    let missing = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
    var profiles: [ProfileRatio] = []
    for profile in ContentProfile.allCases {
      let memory = GuestMemory(byteCount: bytes)
      memory.fill(fraction: 1, seed: 42, content: profile)
      let records = recordStream(of: memory)
      func ours(_ codec: CompressionCodec) throws -> Double {
        let compressor = BatchCompressor(
          codec: codec, maximumBatchBytes: MigrationTiming.batchPages * PageRecord.normalBytes)
        for batch in records {
          _ = try CompressedPageBatch.frame(compressing: batch, with: compressor)
        }
        return compressor.statistics.ratio ?? 1
      }
      let header = PageRecord.frameHeaderBytes
      var stream = Data()
      for batch in records { stream.append(contentsOf: batch[header...]) }
      profiles.append(
        ProfileRatio(
          profile: profile.rawValue, recordBytes: stream.count, lz4: try ours(.lz4),
          zstd: try ours(.zstd),
          lz4Tool: missing.contains(tools[0]) ? nil : try toolRatio(tools[0], ["-q"], stream),
          zstdTool: missing.contains(tools[1])
            ? nil : try toolRatio(tools[1], ["-1", "-q"], stream)))
    }
    return ProfileRatios(profiles: profiles, missingTools: missing)
  }

  /// The `PAGES` frames a first pass over `memory` sends, in order.
  static func recordStream(of memory: GuestMemory) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var page = 0
    while page < memory.pageCount {
      let count = min(MigrationTiming.batchPages, memory.pageCount - page)
      var writer = PageBatchWriter(pass: 1, capacity: count)
      for index in page..<(page + count) {
        if let bytes = memory.bytes(ofPage: index), !GuestMemory.isZeroPage(bytes) {
          writer.append(page: index, bytes: bytes)
        } else {
          writer.appendZero(page: index)
        }
      }
      frames.append(writer.finish())
      page += count
    }
    return frames
  }

  /// Input bytes per output byte of `tool ARGUMENTS -c FILE`, with `data` written to a
  /// temporary file that is removed afterwards.
  static func toolRatio(_ tool: String, _ arguments: [String], _ data: Data) throws -> Double {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ldm-bench-\(getpid())-\(UUID().uuidString)")
    try data.write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments + ["-c", input.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, !compressed.isEmpty else {
      throw HypervisorError("\(tool) failed with status \(process.terminationStatus)")
    }
    return Double(data.count) / Double(compressed.count)
  }
}
