import ArgumentParser
import Engine
import Foundation
import Hypervisor
import Migration

/// `ldm-console bench`: the quality bars of DESIGN §7, measured in one run.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure the engine (and with --ui the console) against the quality bars.",
    discussion: """
      Build in release mode first: swift build -c release; .build/release/ldm-console bench.
      Stream: a 1 GiB domain of non-zero pages migrated over the in-process stream on an
      unlimited link (encoded, paced, decoded), against a plain memcpy of the same pages
      into freshly mapped memory (goal: ratio >= 0.8), into warm memory and into fresh
      guest memory (huge pages advised, as a target's); a 64 GiB domain that touched 1 GiB
      (goal: peak RSS < 3 GiB); pre-copy of ldom02 against the textbook model.
      Channels (--only channels): a 1 GiB domain of mixed content on an unlimited link
      with 1 and 2 page channels, each codec, on the wall clock of phases 3-4; the goal
      channels.speedup is zstd's throughput with 2 channels over 1 (goal >= 1.6).
      XBZRLE (--only xbzrle): ldom02 of the built-in scenario on its paced 1 Gbit/s
      link, without XBZRLE and with 64 MiB and 256 MiB page caches: passes, what
      went again, the total time and the downtime.
      --network (as root, with iproute2 and iperf3): only the network measurement, a
      1 GiB domain of random pages between two ldmd in two network namespaces
      joined by a veth pair, with TLS and in plain text, next to iperf3 over the
      same pair (goals: TLS >= 0.5 of iperf3, plain >= 0.7; each daemon's peak
      resident memory <= 1.3 times the memory its domains touched); then ldom02 of
      the built-in scenario over the pair shaped to 1 Gbit/s (tc tbf) with no codec,
      lz4 and zstd (goal: the better codec at least 2 times faster than none).
      """)

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Flag(help: "Also time the console: view + diff of one full frame.")
  var ui = false

  @Flag(help: "Only the console measurement.")
  var uiOnly = false

  /// The engine's measurements, each of which can be run alone.
  enum Part: String, CaseIterable, ExpressibleByArgument {
    case sparse, stream
    case preCopy = "pre-copy"
    case compression, ratios, channels, xbzrle
  }

  @Option(
    name: .customLong("only"),
    help: ArgumentHelp(
      "Run only these engine measurements (repeat): "
        + Part.allCases.map(\.rawValue).joined(separator: ", ") + ".",
      valueName: "PART"))
  var only: [Part] = []

  @Flag(help: "Only the network measurement: two daemons across a veth pair (root).")
  var network = false

  struct Report: Codable {
    var build: String
    var stream: EngineBenchmark.StreamSpeed?
    var sparseDomain: EngineBenchmark.SparseDomain?
    var preCopy: EngineBenchmark.PreCopy?
    var compression: EngineBenchmark.CompressionOnLink?
    var profileRatios: EngineBenchmark.ProfileRatios?
    /// The goal of issue 12: none's total time over the better codec's (goal >= 2).
    var compressionSpeedup: Double?
    var channels: EngineBenchmark.ChannelSpeed?
    /// The goal of issue 12: throughput with 2 channels over 1 (zstd, goal >= 1.6).
    var channelsSpeedup: Double?
    var xbzrle: EngineBenchmark.XBZRLEOnLink?
    var frames: [FrameTiming]?
    var network: NetworkBenchmark.Report?

    enum CodingKeys: String, CodingKey {
      case build, stream, sparseDomain, preCopy, compression, profileRatios, channels, xbzrle
      case frames
      case network
      case compressionSpeedup = "compression.speedup"
      case channelsSpeedup = "channels.speedup"
    }
  }

  struct FrameTiming: Codable {
    var width: Int
    var height: Int
    var medianMilliseconds: Double
    var changedRunsPerFrame: Double
  }

  func run() throws {
    var report = Report(build: Self.build)
    if network, let refusal = NetworkBenchmark.refusal() {
      LdmConsole.exit(withError: "ldm-console bench: \(refusal)", status: 2)
    }
    do {
      if network {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        report.network = try NetworkBenchmark.measure(binary: binary)
      } else if !uiOnly {
        let parts = only.isEmpty ? Part.allCases : only
        // The sparse domain first: its peak-RSS reading must not see the 1 GiB copies.
        if parts.contains(.sparse) { report.sparseDomain = try EngineBenchmark.sparseDomain() }
        if parts.contains(.stream) { report.stream = try EngineBenchmark.streamSpeed() }
        if parts.contains(.preCopy) {
          report.preCopy = try EngineBenchmark.preCopy(scenario: ScenarioLoader.builtin())
        }
        if parts.contains(.compression) {
          let compression = try EngineBenchmark.compressionOnLink(
            scenario: ScenarioLoader.builtin())
          report.compression = compression
          report.compressionSpeedup = compression.speedup
        }
        if parts.contains(.ratios) { report.profileRatios = try EngineBenchmark.profileRatios() }
        if parts.contains(.channels) {
          let channels = try EngineBenchmark.channelSpeed()
          report.channels = channels
          report.channelsSpeedup = channels.speedup
        }
        if parts.contains(.xbzrle) {
          report.xbzrle = try EngineBenchmark.xbzrleOnLink(scenario: ScenarioLoader.builtin())
        }
      }
      if !network, ui || uiOnly {
        report.frames = [(200, 60), (80, 24)].map { size in
          let result = FrameBenchmark.measure(width: size.0, height: size.1)
          return FrameTiming(
            width: size.0, height: size.1, medianMilliseconds: result.medianMilliseconds,
            changedRunsPerFrame: result.runsPerFrame)
        }
      }
    } catch {
      throw ValidationError("benchmark failed: \(error)")
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
      print(Self.table(report))
    }
  }

  static var build: String {
    #if DEBUG
      return "debug (numbers are not meaningful: build with -c release)"
    #else
      return "release"
    #endif
  }

  static func compressionTable(_ report: Report) -> [String] {
    var lines: [String] = []
    func number(_ value: Double?, _ digits: Int = 2) -> String {
      value.map { String(format: "%.\(digits)f", $0) } ?? "-"
    }
    if let compression = report.compression {
      lines += [
        "",
        "Compression: \(compression.domain) (built-in realistic mix) at"
          + " \(Units.formatRate(compression.bandwidthBitsPerSecond)), paced in-process link,"
          + " virtual clock",
        "  " + pad("codec", 8) + pad("total", 10) + pad("transfer", 10) + pad("downtime", 10)
          + pad("passes", 8) + pad("wire", 12) + pad("ratio", 7) + "CPU compress/decompress",
      ]
      for run in compression.runs {
        lines.append(
          "  " + pad(run.codec, 8) + pad(Units.formatDuration(run.totalSeconds), 10)
            + pad(Units.formatDuration(run.transferSeconds), 10)
            + pad(Units.formatDuration(run.downtimeSeconds), 10) + pad("\(run.passes)", 8)
            + pad(ByteSize.human(Double(run.wireBytes)), 12) + pad(number(run.ratio), 7)
            + "\(Units.formatDuration(run.compressCPUSeconds)) /"
            + " \(Units.formatDuration(run.decompressCPUSeconds))")
      }
      lines.append(
        "  compression.speedup   \(number(compression.speedup))   (none / \(compression.betterCodec),"
          + " total time)   goal >= 2" + (compression.speedup >= 2 ? "  met" : "  NOT MET"))
      for run in compression.runs {
        guard let cpu = run.compressBytesPerCPUSecond, let link = run.linkRecordBytesPerSecond
        else { continue }
        lines.append(
          "  \(run.codec) compresses \(ByteSize.human(cpu))/s of pages per CPU second; the link"
            + " took \(ByteSize.human(link))/s" + (cpu > link ? "" : "  (CPU-BOUND: times too low)")
        )
      }
    }
    if let ratios = report.profileRatios {
      lines += [
        "",
        "Compression ratio per content profile (64 MiB filled, page records as sent;"
          + " ours per 64-page batch, the tools on the same bytes as one file)",
        "  " + pad("profile", 14) + pad("lz4", 8) + pad("lz4 tool", 10) + pad("zstd", 8)
          + "zstd -1 tool",
      ]
      for row in ratios.profiles {
        lines.append(
          "  " + pad(row.profile, 14) + pad(number(row.lz4), 8) + pad(number(row.lz4Tool), 10)
            + pad(number(row.zstd), 8) + number(row.zstdTool))
      }
      for tool in ratios.missingTools {
        lines.append("  \(tool) is not installed: its column is -")
      }
    }
    return lines
  }

  /// `text` padded with spaces to `width` columns, for the tables' columns.
  static func pad(_ text: String, _ width: Int) -> String {
    text.padding(toLength: width, withPad: " ", startingAt: 0)
  }

  static func xbzrleTable(_ report: Report) -> [String] {
    guard let xbzrle = report.xbzrle else { return [] }
    var lines = [
      "",
      "XBZRLE: \(xbzrle.domain) (built-in, database) on the paced"
        + " \(Units.formatRate(xbzrle.bandwidthBitsPerSecond)) link, no codec, virtual clock",
      "  " + pad("cache", 10) + pad("total", 9) + pad("downtime", 10) + pad("passes", 8)
        + pad("sent again", 12) + "as differences",
    ]
    for run in xbzrle.runs {
      let figures = run.figures.map { figures in
        "\(figures.pages) pages, \(ByteSize.human(Double(figures.bytes)))"
          + " for \(ByteSize.human(Double(figures.wholeBytes))), \(figures.misses) misses"
      }
      lines.append(
        "  " + pad(run.cacheBytes.map { ByteSize.human(Double($0)) } ?? "off", 10)
          + pad(Units.formatDuration(run.totalSeconds), 9)
          + pad(Units.formatDuration(run.downtimeSeconds), 10) + pad("\(run.passes)", 8)
          + pad(ByteSize.human(Double(run.resentBytes)), 12) + (figures ?? "-"))
    }
    lines.append(
      "  speedup " + String(format: "%.2f", xbzrle.speedup)
        + "   (total time without XBZRLE / the best with it)")
    return lines
  }

  static func channelsTable(_ report: Report) -> [String] {
    guard let channels = report.channels else { return [] }
    var lines = [
      "",
      "Channels: \(ByteSize.format(channels.bytes)) domain of \(channels.content) content,"
        + " unlimited link, in-process, wall clock of phases 3-4 (digests apart)",
      "  " + pad("codec", 8) + pad("channels", 10) + pad("time", 10) + pad("throughput", 14)
        + "cores busy",
    ]
    for run in channels.runs {
      lines.append(
        "  " + pad(run.codec, 8) + pad("\(run.channels)", 10)
          + pad(Units.formatDuration(run.seconds), 10)
          + pad(ByteSize.human(run.bytesPerSecond) + "/s", 14)
          + String(format: "%.2f", run.cores))
    }
    for (codec, speedup) in channels.speedups.sorted(by: { $0.key < $1.key }) {
      lines.append("  \(pad(codec, 6)) 2 channels / 1: " + String(format: "%.2f", speedup))
    }
    lines.append(
      "  channels.speedup      " + String(format: "%.2f", channels.speedup)
        + "   (zstd, 2 channels / 1, throughput)   goal >= 1.6"
        + (channels.speedup >= 1.6 ? "  met" : "  NOT MET"))
    return lines
  }

  static func table(_ report: Report) -> String {
    var lines = ["ldm-console bench (\(report.build) build)"]
    func number(_ value: Double, _ digits: Int = 2) -> String {
      String(format: "%.\(digits)f", value)
    }
    if let stream = report.stream {
      lines += [
        "", "Stream: 1 GiB of 8 KiB pages, all non-zero, unlimited link, in-process channel",
        "  memcpy, fresh memory  \(number(stream.freshMemcpyGBps)) GB/s",
        "  memcpy, warm memory   \(number(stream.warmMemcpyGBps)) GB/s",
        "  memcpy, guest memory  \(number(stream.freshGuestMemcpyGBps)) GB/s   (fresh, huge"
          + " pages advised, as a target's)",
        "  stream (phases 3-4)   \(number(stream.streamGBps)) GB/s   "
          + "\(ByteSize.human(Double(stream.wireBytes))) on the wire",
        "  ratio to fresh        \(number(stream.ratioToFreshMemcpy))   goal >= 0.80"
          + (stream.ratioToFreshMemcpy >= 0.8 ? "  met" : "  NOT MET"),
        "  ratio to warm         \(number(stream.ratioToWarmMemcpy))",
        "  ratio to guest memory \(number(stream.ratioToFreshGuestMemcpy))   (the copy into"
          + " each frame is the difference)",
        "  digest                \(number(stream.verificationSeconds)) s   (SHA-256 of the"
          + " source before hand-off, not in the ratio)",
      ]
    }
    if let sparse = report.sparseDomain {
      let peak = sparse.peakResidentBytes.map { ByteSize.human(Double($0)) } ?? "unknown"
      let met = sparse.peakResidentBytes.map { $0 < 3 << 30 ? "  met" : "  NOT MET" } ?? ""
      lines += [
        "",
        "Sparse domain: \(ByteSize.format(sparse.domainBytes)) domain,"
          + " \(ByteSize.human(Double(sparse.touchedBytes))) touched, unlimited link",
        "  migration             \(number(sparse.migrationSeconds)) s",
        "  peak resident memory  \(peak)   target < 3 GiB\(met)",
      ]
    }
    if let preCopy = report.preCopy {
      let m = preCopy.measured
      let p = preCopy.predicted
      func row(_ name: String, _ a: String, _ b: String) -> String {
        name.padding(toLength: 24, withPad: " ", startingAt: 0)
          + a.padding(toLength: 14, withPad: " ", startingAt: 0) + b
      }
      lines += [
        "",
        "Pre-copy: \(preCopy.domain) (database) at \(Units.formatRate(preCopy.bandwidthBitsPerSecond)),"
          + " virtual clock",
        row("", "measured", "model (λ \(number(preCopy.lambda)))"),
        row("  passes", "\(m.passes)", "\(p.passes)"),
        row(
          "  transferred", ByteSize.human(m.transferredBytes), ByteSize.human(p.transferredBytes)),
        row(
          "  downtime", Units.formatDuration(m.downtimeSeconds),
          Units.formatDuration(p.downtimeSeconds)),
        row(
          "  transfer time", Units.formatDuration(m.totalSeconds),
          Units.formatDuration(p.totalSeconds)),
      ]
    }
    lines += compressionTable(report)
    lines += channelsTable(report)
    lines += xbzrleTable(report)
    if let frames = report.frames {
      lines += ["", "Console: view + diff of one full frame during a migration (median)"]
      for frame in frames {
        let target = frame.width == 200 ? "   target < 1 ms" : ""
        lines.append(
          "  \(frame.width)x\(frame.height)".padding(toLength: 24, withPad: " ", startingAt: 0)
            + "\(number(frame.medianMilliseconds, 3)) ms\(target)   (\(number(frame.changedRunsPerFrame, 1))"
            + " changed runs per frame)")
      }
    }
    if let network = report.network { lines += NetworkBenchmark.table(network) }
    return lines.joined(separator: "\n")
  }
}
