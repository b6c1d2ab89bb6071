import ArgumentParser
import Engine
import Foundation
import Hypervisor
import Migration

/// `ldm-console soak`: thousands of migrations back and forth with random cancels, faults and
/// renames, checking after each step that nothing was lost (issue 5).
struct SoakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "soak",
    abstract: "Run many migrations with random cancels, faults and renames; check invariants.",
    discussion: """
      Migrates the built-in scenario's guests back and forth between its two
      hosts on the virtual clock. After every step it checks that both hosts'
      books balance, that no domain was lost or duplicated, that every completed
      migration's memory digests matched and that every cancelled or failed one
      left its source running and its target empty.

      Prints the counts, the simulated time and the process's resident memory
      at the start, half-way and at the end. Exit status 1 when an invariant
      broke (each is named on standard error), 2 for a bad option.
      """)

  @Option(help: "Migrations to start.")
  var migrations = 1000

  @Option(help: "Seed of the random choices; the same seed gives the same run.")
  var seed: UInt64 = 1

  @Flag(
    inversion: .prefixedNo,
    help: "Fill guests' memory with content, so every page really moves.")
  var populateMemory = true

  @Flag(
    help: ArgumentHelp(
      "Keep guests' writes in their hot working sets, so their memory stops growing and"
        + " resident memory shows what the engine itself holds."))
  var hotSetOnly = false

  @Option(
    help: "Page channels of every migration, 1 to 16 (default: drawn from 1 to 4 per migration).")
  var channels: String?

  @Flag(help: "Print the report as JSON.")
  var json = false

  @Flag(
    help: ArgumentHelp(
      "Say on standard error how far the run is, after each tenth of the migrations, and each"
        + " of the first 50 broken invariants when it is found."))
  var progress = false

  func validate() throws {
    guard migrations >= 0 else { throw ValidationError("--migrations must not be negative") }
    if let channels {
      do {
        _ = try Quantities.channels.value(of: channels)
      } catch {
        throw ValidationError("--channels: \(error.reason)")
      }
    }
  }

  func run() throws {
    var options = Soak.Options(
      migrations: migrations, seed: seed, populateMemory: populateMemory,
      hotSetOnly: hotSetOnly, channels: try channels.map(Quantities.channels.value(of:)))
    if progress {
      let start = ContinuousClock.now
      let total = migrations
      options.progress = { report, resident, guest in
        let elapsed = (ContinuousClock.now - start).components.seconds
        func mebibytes(_ bytes: UInt64) -> String {
          String(format: "%.1f MiB", Double(bytes) / 1_048_576)
        }
        FileHandle.standardError.write(
          Data(
            ("ldm-console soak: \(report.started) of \(total) migrations started after"
              + " \(elapsed) s, \(report.completed) completed, resident"
              + " \(resident.map(mebibytes) ?? "unknown") (guest pages \(mebibytes(guest))),"
              + " \(report.violationCount) invariant violations\n").utf8))
      }
      options.violationFound = { line in
        FileHandle.standardError.write(
          Data("ldm-console soak: invariant broken: \(line)\n".utf8))
      }
    }
    let report = try Soak.run(options)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      let data = try encoder.encode(report)
      print(String(decoding: data, as: UTF8.self))
    } else {
      print(Self.text(report))
    }
    guard report.passed else {
      var lines = report.violations.map { "ldm-console soak: invariant broken: \($0)" }
      if report.violationCount > report.violations.count {
        lines.append(
          "ldm-console soak: … and \(report.violationCount - report.violations.count) more")
      }
      FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
      throw ExitCode(1)
    }
  }

  static func text(_ report: Soak.Report) -> String {
    func mebibytes(_ bytes: UInt64?) -> String {
      bytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unknown"
    }
    var lines = [
      "soak seed \(report.seed): \(report.started) migrations started",
      "  completed            \(report.completed) (\(report.renamed) under a new name)",
      "  cancelled            \(report.cancelled)",
      "  failed by a fault    \(report.failedByFault)"
        + " (\(report.faultsInjected) faults injected,"
        + " \(report.errorsCleared) error flags cleared)",
      "  refused by pre-check \(report.refusedByPreCheck)",
      "  failed otherwise     \(report.failedOther)",
      "  codecs offered       "
        + ["none", "lz4", "zstd"].map { "\($0) \(report.byCodec[$0] ?? 0)" }.joined(
          separator: ", "),
      "  channels asked for   "
        + report.byChannels.sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }.map {
          "\($0.key) \($0.value)"
        }
        .joined(separator: ", "),
      "  XBZRLE asked for     \(report.withXBZRLE)",
      "  simulated time       \(String(format: "%.1f s", report.simulatedSeconds))",
      "  process resident     start \(mebibytes(report.resident.start)),"
        + " half-way \(mebibytes(report.resident.middle)),"
        + " end \(mebibytes(report.resident.end)),"
        + " peak (VmHWM) \(mebibytes(report.resident.peak))",
      "  guest memory         start \(mebibytes(report.guestMemory.start)),"
        + " half-way \(mebibytes(report.guestMemory.middle)),"
        + " end \(mebibytes(report.guestMemory.end))",
    ]
    lines += report.notes.map { "  note: \($0)" }
    lines.append(
      report.passed
        ? "every invariant held"
        : "\(report.violationCount) invariant violations")
    return lines.joined(separator: "\n")
  }
}
