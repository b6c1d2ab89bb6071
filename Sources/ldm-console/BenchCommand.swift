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
      unlimited link (encoded, paced, decoded), against memcpy of the same pages into fresh
      memory (goal: ratio >= 0.8) and into warm memory; a 64 GiB domain that touched 1 GiB
      (goal: peak RSS < 3 GiB); pre-copy of ldom02 against the textbook model.
      --network (as root, with iproute2 and iperf3): only the network measurement, a
      1 GiB domain of random pages between two ldmd in two network namespaces
      joined by a veth pair, with TLS and in plain text, next to iperf3 over the
      same pair (goals: TLS >= 0.5 of iperf3, plain >= 0.7; each daemon's peak
      resident memory <= 1.3 times the memory its domains touched).
      """)

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Flag(help: "Also time the console: view + diff of one full frame.")
  var ui = false

  @Flag(help: "Only the console measurement.")
  var uiOnly = false

  @Flag(help: "Only the network measurement: two daemons across a veth pair (root).")
  var network = false

  struct Report: Codable {
    var build: String
    var stream: EngineBenchmark.StreamSpeed?
    var sparseDomain: EngineBenchmark.SparseDomain?
    var preCopy: EngineBenchmark.PreCopy?
    var frames: [FrameTiming]?
    var network: NetworkBenchmark.Report?
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
        // The sparse domain first: its peak-RSS reading must not see the 1 GiB copies.
        report.sparseDomain = try EngineBenchmark.sparseDomain()
        report.stream = try EngineBenchmark.streamSpeed()
        report.preCopy = try EngineBenchmark.preCopy(scenario: ScenarioLoader.builtin())
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
        "  stream (phases 3-4)   \(number(stream.streamGBps)) GB/s   "
          + "\(ByteSize.human(Double(stream.wireBytes))) on the wire",
        "  ratio to fresh        \(number(stream.ratioToFreshMemcpy))   goal >= 0.80"
          + (stream.ratioToFreshMemcpy >= 0.8 ? "  met" : "  NOT MET"),
        "  ratio to warm         \(number(stream.ratioToWarmMemcpy))",
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
