import Daemon
import Foundation
import Network

/// `bench --network`: a 1 GiB domain of random pages migrated between two daemons in two
/// network namespaces joined by a veth pair (unshaped), with mutual TLS and in plain text,
/// next to iperf3 over the same pair in the same run; each daemon's peak resident memory
/// against the memory its domains touched; and ldom02 of the built-in scenario over the pair
/// shaped to 1 Gbit/s with each codec (issue 12's compression between daemons).
enum NetworkBenchmark {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// One migration's figures.
  struct MigrationRun: Codable {
    /// The first pass (every page): bytes over its seconds, in bits per second.
    var throughputBitsPerSecond: Double
    var firstPassSeconds: Double
    var passes: Int
    var totalSeconds: Double
    /// VmHWM of each daemon (bytes), and the memory its domains touched.
    var sourcePeakResidentBytes: UInt64
    var targetPeakResidentBytes: UInt64
    var touchedBytes: UInt64
    var sourcePeakRatio: Double
    var targetPeakRatio: Double
  }

  struct Report: Codable {
    var iperfBitsPerSecond: Double
    var tls: MigrationRun
    var plain: MigrationRun
    var tlsRatioToIperf: Double
    var plainRatioToIperf: Double
    /// The larger of the two daemons' VmHWM over touched memory, in each run.
    var tlsPeakRatio: Double
    var plainPeakRatio: Double
    /// ldom02 of the built-in scenario across the same pair shaped to 1 Gbit/s, per codec.
    var shapedCompression: ShapedCompression
  }

  /// One migration of the built-in realistic mix over the shaped link, with one codec.
  struct CompressionRun: Codable {
    var codec: String
    /// From `started` to `completed`, wall clock.
    var totalSeconds: Double
    var downtimeSeconds: Double
    var passes: Int
    /// Page records before compression over what went on the wire (1 without a codec).
    var compressionRatio: Double
  }

  struct ShapedCompression: Codable {
    var domain: String
    /// `tc … tbf rate` of each end's outgoing traffic.
    var rate: String
    var runs: [CompressionRun]
    var betterCodec: String
    /// none's total time over the better codec's (issue 12's goal: at least 2).
    var speedup: Double
  }

  static let ipCandidates = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
  static let port = 7201

  /// Why this machine cannot run it, or nil.
  static func refusal() -> String? {
    guard geteuid() == 0 else { return "bench --network needs root (ip netns, tc)" }
    guard ipPath != nil else { return "bench --network needs iproute2's ip" }
    guard iperf3Path != nil else { return "bench --network needs iperf3 (apt-get install iperf3)" }
    guard tcPath != nil else { return "bench --network needs iproute2's tc" }
    return nil
  }

  static var ipPath: String? {
    ipCandidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static var tcPath: String? {
    ["/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc", "/bin/tc"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  static var iperf3Path: String? {
    ["/usr/bin/iperf3", "/usr/local/bin/iperf3"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  static func measure(binary: String) throws -> Report {
    if let refusal = refusal() { throw Failure(description: refusal) }
    let bed = try Testbed()
    defer { bed.remove() }
    let iperf = try bed.iperf()
    let tls = try bed.migrate(binary: binary, insecure: false)
    let plain = try bed.migrate(binary: binary, insecure: true)
    let shaped = try bed.compressionOnShapedLink(binary: binary)
    return Report(
      iperfBitsPerSecond: iperf, tls: tls, plain: plain,
      tlsRatioToIperf: tls.throughputBitsPerSecond / iperf,
      plainRatioToIperf: plain.throughputBitsPerSecond / iperf,
      tlsPeakRatio: max(tls.sourcePeakRatio, tls.targetPeakRatio),
      plainPeakRatio: max(plain.sourcePeakRatio, plain.targetPeakRatio),
      shapedCompression: shaped)
  }

  static func table(_ report: Report) -> [String] {
    func gbit(_ value: Double) -> String { String(format: "%.2f Gbit/s", value / 1e9) }
    func ratio(_ value: Double) -> String { String(format: "%.2f", value) }
    func mib(_ value: UInt64) -> String { String(format: "%.0f MiB", Double(value) / 1_048_576) }
    func met(_ ok: Bool) -> String { ok ? "  met" : "  NOT MET" }
    var lines = [
      "", "Network: 1 GiB of random pages between two ldmd across a veth pair, unshaped",
      "  iperf3                \(gbit(report.iperfBitsPerSecond))",
    ]
    for (name, run, goal, value) in [
      ("mutual TLS 1.3", report.tls, 0.5, report.tlsRatioToIperf),
      ("plain text", report.plain, 0.7, report.plainRatioToIperf),
    ] {
      lines += [
        "  \(name)".padding(toLength: 24, withPad: " ", startingAt: 0)
          + "\(gbit(run.throughputBitsPerSecond))   ratio \(ratio(value))   goal >= \(goal)"
          + met(value >= goal),
        "    first pass \(String(format: "%.2f", run.firstPassSeconds)) s, \(run.passes)"
          + " passes, \(String(format: "%.2f", run.totalSeconds)) s in all",
        "    peak resident: source \(mib(run.sourcePeakResidentBytes)), target"
          + " \(mib(run.targetPeakResidentBytes)); touched \(mib(run.touchedBytes));"
          + " ratio \(ratio(max(run.sourcePeakRatio, run.targetPeakRatio))) goal <= 1.3"
          + met(max(run.sourcePeakRatio, run.targetPeakRatio) <= 1.3),
      ]
    }
    let shaped = report.shapedCompression
    lines += [
      "",
      "Compression: \(shaped.domain) (built-in realistic mix) between two ldmd across the"
        + " veth pair shaped to \(shaped.rate) (tc tbf), mutual TLS",
    ]
    for run in shaped.runs {
      lines.append(
        "  \(run.codec)".padding(toLength: 10, withPad: " ", startingAt: 0)
          + String(
            format: "total %6.2f s   downtime %4.0f ms   %d passes   ratio %.2f",
            run.totalSeconds, run.downtimeSeconds * 1000, run.passes, run.compressionRatio))
    }
    lines.append(
      String(
        format: "  speedup %.2f   (none / %@, total time)   goal >= 2", shaped.speedup,
        shaped.betterCodec) + met(shaped.speedup >= 2))
    return lines
  }

  /// Two namespaces and the veth pair between them, a scratch folder with the scenario and
  /// the certificates; all removed by ``remove()``.
  final class Testbed {
    let ip: String
    let names: (a: String, b: String)
    let addresses: (a: String, b: String)
    let folder: URL
    let scenario: String
    let password: String
    let touched: UInt64 = 1 << 30

    init() throws {
      guard let ip = NetworkBenchmark.ipPath else { throw Failure(description: "no ip") }
      self.ip = ip
      let pid = Int(getpid())
      names = ("ldmbench-\(pid)-a", "ldmbench-\(pid)-b")
      addresses = ("10.249.\(pid % 256).1", "10.249.\(pid % 256).2")
      folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-bench-network-\(pid)-\(UUID().uuidString)")
      scenario = folder.appendingPathComponent("two-hosts.yaml").path
      password = folder.appendingPathComponent("root.pw").path
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(TwoHostScenario().yaml.utf8).write(to: URL(fileURLWithPath: scenario))
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: password))
        chmod(password, 0o600)
        try CertificateFolder(path: folder.path).writeNewSet(
          hosts: [try HostName("sparc-t4-a"), try HostName("sparc-t4-b")], overwrite: false)
        try command(ip, ["netns", "add", names.a])
        try command(ip, ["netns", "add", names.b])
        try command(
          ip,
          [
            "link", "add", "veth-a", "netns", names.a, "type", "veth", "peer", "name", "veth-b",
            "netns", names.b,
          ])
        for (name, interface, address) in [
          (names.a, "veth-a", addresses.a), (names.b, "veth-b", addresses.b),
        ] {
          try command(ip, ["-n", name, "address", "add", address + "/30", "dev", interface])
          try command(ip, ["-n", name, "link", "set", "lo", "up"])
          try command(ip, ["-n", name, "link", "set", interface, "up"])
        }
      } catch {
        remove()
        throw error
      }
    }

    func remove() {
      for name in [names.a, names.b] {
        if let pids = try? output(ip, ["netns", "pids", name]) {
          for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        _ = try? output(ip, ["netns", "delete", name])
      }
      try? FileManager.default.removeItem(at: folder)
    }

    /// iperf3's received rate from side a to side b, in bits per second.
    func iperf() throws -> Double {
      guard let iperf3 = NetworkBenchmark.iperf3Path else {
        throw Failure(description: "no iperf3")
      }
      let server = try start([ip, "netns", "exec", names.b, iperf3, "-s", "-1", "-B", addresses.b])
      defer { stop(server) }
      var lastError = ""
      for _ in 0..<50 {
        let (status, json) = try run(
          [ip, "netns", "exec", names.a, iperf3, "-J", "-t", "5", "-c", addresses.b])
        if status == 0,
          let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
          let end = object["end"] as? [String: Any],
          let received = end["sum_received"] as? [String: Any],
          let rate = received["bits_per_second"] as? Double
        {
          return rate
        }
        lastError = json.prefix(200).description
        usleep(100_000)
      }
      throw Failure(description: "iperf3 gave no rate: \(lastError)")
    }

    /// One migration of ldom01 (1 GiB of random pages) from a daemon in side a to one in
    /// side b, unshaped.
    func migrate(binary: String, insecure: Bool) throws -> MigrationRun {
      let label = insecure ? "plain" : "tls"
      let (events, peaks) = try migration(
        binary: binary, label: label, domain: "ldom01", scenario: scenario, insecure: insecure)
      let figures = try Self.figures(events: events)
      return MigrationRun(
        throughputBitsPerSecond: figures.firstPassBytes * 8 / figures.firstPassSeconds,
        firstPassSeconds: figures.firstPassSeconds, passes: figures.passes,
        totalSeconds: figures.totalSeconds, sourcePeakResidentBytes: peaks.source,
        targetPeakResidentBytes: peaks.target, touchedBytes: touched,
        sourcePeakRatio: Double(peaks.source) / Double(touched),
        targetPeakRatio: Double(peaks.target) / Double(touched))
    }

    /// ldom02 of the built-in scenario (its realistic mix of content, its workload) with each
    /// codec, over the pair shaped to 1 Gbit/s each way; the shaping is removed afterwards.
    func compressionOnShapedLink(binary: String) throws -> ShapedCompression {
      let rate = "1gbit"
      try shape(rate: rate)
      defer { try? unshape() }
      var runs: [CompressionRun] = []
      for codec in ["none", "lz4", "zstd"] {
        let (events, _) = try migration(
          binary: binary, label: "shaped-\(codec)", domain: "ldom02", scenario: nil,
          insecure: false, compress: codec)
        let figures = try Self.figures(events: events)
        runs.append(
          CompressionRun(
            codec: codec, totalSeconds: figures.totalSeconds,
            downtimeSeconds: figures.downtimeSeconds, passes: figures.passes,
            compressionRatio: figures.compressionRatio))
      }
      guard let none = runs.first,
        let better = runs.dropFirst().min(by: {
          $0.totalSeconds < $1.totalSeconds
        })
      else { throw Failure(description: "no compression runs") }
      return ShapedCompression(
        domain: "ldom02", rate: "1 Gbit/s", runs: runs, betterCodec: better.codec,
        speedup: none.totalSeconds / better.totalSeconds)
    }

    /// Each end's outgoing traffic through a token bucket (netem is not available on the
    /// kernels this runs on).
    func shape(rate: String) throws {
      guard let tc = NetworkBenchmark.tcPath else { throw Failure(description: "no tc") }
      for (name, interface) in [(names.a, "veth-a"), (names.b, "veth-b")] {
        try command(
          ip,
          [
            "netns", "exec", name, tc, "qdisc", "replace", "dev", interface, "root", "tbf",
            "rate", rate, "burst", "256kb", "latency", "50ms",
          ])
      }
    }

    func unshape() throws {
      guard let tc = NetworkBenchmark.tcPath else { return }
      for (name, interface) in [(names.a, "veth-a"), (names.b, "veth-b")] {
        try command(ip, ["netns", "exec", name, tc, "qdisc", "del", "dev", interface, "root"])
      }
    }

    /// Two daemons (side a's the source), one `ldm migrate` of `domain` run against the source
    /// to its end; the events file and each daemon's peak resident memory.
    func migration(
      binary: String, label: String, domain: String, scenario: String?, insecure: Bool,
      compress: String? = nil
    ) throws -> (events: String, peaks: (source: UInt64, target: UInt64)) {
      let security = insecure ? ["--insecure"] : ["--certs", folder.path]
      let options =
        (scenario.map { ["--scenario", $0] } ?? []) + security
        + (compress.map { ["--compress", $0] } ?? [])
      func daemon(_ host: String, _ name: String, peer: String, _ peerAddress: String) throws
        -> (Process, URL)
      {
        let log = folder.appendingPathComponent("ldmd-\(host)-\(label).log")
        let process = try start(
          [
            ip, "netns", "exec", name, binary, "ldmd", "--host", host,
            "--listen", "0.0.0.0:\(NetworkBenchmark.port)", "--peer",
            "\(peer)=\(peerAddress):\(NetworkBenchmark.port)",
          ] + options, log: log)
        return (process, log)
      }
      let source = try daemon("sparc-t4-a", names.a, peer: "sparc-t4-b", addresses.b)
      defer { stop(source.0) }
      let target = try daemon("sparc-t4-b", names.b, peer: "sparc-t4-a", addresses.a)
      defer { stop(target.0) }
      for (process, log) in [source, target] {
        try waitForLine(log, process: process, timeout: 300) { $0.contains("listening on") }
      }
      let script = folder.appendingPathComponent("migrate-\(label).txt").path
      try Data("sparc-t4-a# ldm migrate -p \(password) \(domain) root@sparc-t4-b\n".utf8).write(
        to: URL(fileURLWithPath: script))
      let events = folder.appendingPathComponent("events-\(label).jsonl").path
      let connect = ["--connect", "sparc-t4-a=127.0.0.1:\(NetworkBenchmark.port)"] + security
      let (status, transcript) = try run(
        [ip, "netns", "exec", names.a, binary, "run"] + connect + ["--events", events, script])
      guard status == 0 else {
        throw Failure(description: "the \(label) migration failed: \(transcript)")
      }
      // The target's peak comes once it has resumed; the source's once it has sent all.
      return (
        events, (try peak(source.0.processIdentifier), try peak(target.0.processIdentifier))
      )
    }

    static func figures(events path: String) throws -> (
      firstPassBytes: Double, firstPassSeconds: Double, passes: Int, totalSeconds: Double,
      downtimeSeconds: Double, compressionRatio: Double
    ) {
      let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
      let objects = try lines.compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      }
      let passes = objects.filter { $0["kind"] as? String == "pass-finished" }
      let completed = objects.first { $0["kind"] as? String == "completed" }
      guard let first = passes.first, let bytes = first["bytes"] as? Double,
        let seconds = first["seconds"] as? Double, seconds > 0,
        let started = objects.first(where: { $0["kind"] as? String == "started" })?["time"]
          as? Double,
        let completed, let ended = completed["time"] as? Double,
        let downtime = completed["downtime"] as? Double
      else { throw Failure(description: "no pass or no completion in \(path)") }
      return (
        bytes, seconds, passes.count, ended - started, downtime,
        completed["compressionRatio"] as? Double ?? 1
      )
    }

    /// VmHWM of a process, in bytes (the daemon itself: `ip netns exec` execs it).
    func peak(_ pid: Int32) throws -> UInt64 {
      let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
      guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = UInt64(line.split(separator: " ").dropFirst().first ?? "")
      else { throw Failure(description: "no VmHWM for process \(pid)") }
      return kilobytes * 1024
    }

    func waitForLine(
      _ log: URL, process: Process, timeout: Double, _ predicate: (Substring) -> Bool
    ) throws {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if text.split(separator: "\n").contains(where: predicate) { return }
        guard process.isRunning else {
          throw Failure(description: "ldmd ended: \(text.suffix(400))")
        }
        usleep(50_000)
      }
      throw Failure(description: "ldmd did not start within \(Int(timeout)) s")
    }

    @discardableResult
    func command(_ executable: String, _ arguments: [String]) throws -> String {
      let (status, text) = try run([executable] + arguments)
      guard status == 0 else {
        throw Failure(description: "\(arguments.joined(separator: " ")) failed: \(text)")
      }
      return text
    }

    func output(_ executable: String, _ arguments: [String]) throws -> String {
      try run([executable] + arguments).1
    }

    func start(_ command: [String], log: URL? = nil) throws -> Process {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: command[0])
      process.arguments = Array(command.dropFirst())
      process.standardInput = FileHandle.nullDevice
      if let log {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
      } else {
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
      }
      try process.run()
      return process
    }

    func stop(_ process: Process) {
      guard process.isRunning else { return }
      kill(process.processIdentifier, SIGTERM)
      let deadline = Date().addingTimeInterval(10)
      while process.isRunning, Date() < deadline { usleep(20_000) }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
    }

    /// Runs a command to its end (at most 10 minutes); its status and its output and errors.
    func run(_ command: [String]) throws -> (Int32, String) {
      // Not in the scratch folder: removing the namespaces must work without it.
      let log = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-bench-command-\(getpid())-\(UUID().uuidString).out")
      let process = try start(command, log: log)
      let deadline = Date().addingTimeInterval(600)
      while process.isRunning, Date() < deadline { usleep(10_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw Failure(description: "\(command.joined(separator: " ")) ran past 10 minutes")
      }
      process.waitUntilExit()
      let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      try? FileManager.default.removeItem(at: log)
      return (process.terminationStatus, text)
    }
  }
}
