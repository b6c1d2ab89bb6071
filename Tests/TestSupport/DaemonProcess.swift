import Foundation

/// An `ldm-console ldmd` a test started: its log (standard error) kept in a file and read as
/// lines, and stopped with SIGTERM (then SIGKILL) by ``stop()`` or when it goes away, so no
/// daemon outlives its test.
public final class DaemonProcess: @unchecked Sendable {
  public let host: String
  public let port: Int
  private let process = Process()
  private let logURL: URL
  private let lock = NSLock()
  private var stopped = false

  /// Starts a daemon for `host` listening on 127.0.0.1:`port` (or `listen`), with `arguments`
  /// after the usual ones; `prefix` runs it inside something (`ip netns exec NS`).
  public init(
    host: String, port: Int, listen: String? = nil, arguments: [String],
    prefix: [String] = []
  ) throws {
    self.host = host
    self.port = port
    logURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("ldmd-\(host)-\(getpid())-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    let log = try FileHandle(forWritingTo: logURL)
    let binary = try BuiltProduct.path("ldm-console")
    let command =
      prefix + [
        binary, "ldmd", "--host", host, "--listen", listen ?? "127.0.0.1:\(port)",
      ] + arguments
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardError = log
    process.standardOutput = log
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? log.close()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: logURL)
  }

  public var processIdentifier: Int32 { process.processIdentifier }
  public var isRunning: Bool { process.isRunning }
  public var terminationStatus: Int32 { process.terminationStatus }

  /// Every line the daemon logged so far.
  public var lines: [String] {
    let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
  }

  /// The first logged line that satisfies `predicate`, waiting at most `timeout` seconds.
  @discardableResult
  public func waitForLine(timeout: Double = 30, where predicate: (String) -> Bool) throws -> String
  {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if let line = lines.first(where: predicate) { return line }
      if !process.isRunning, let line = lines.first(where: predicate) { return line }
      if !process.isRunning {
        throw CommandTimedOut(
          description: "ldmd \(host) ended (status \(process.terminationStatus)) without the "
            + "line awaited; it logged: \(lines.suffix(20))")
      }
      usleep(20_000)
    } while Date() < deadline
    throw CommandTimedOut(
      description: "ldmd \(host): the line awaited did not come within \(timeout) s; it logged: "
        + "\(lines.suffix(20))")
  }

  /// Sends `signal` (SIGKILL: the daemon dies at once, as a crash).
  public func signal(_ signal: Int32) {
    kill(process.processIdentifier, signal)
  }

  /// Waits for the daemon to end, at most `timeout` seconds; whether it did.
  @discardableResult
  public func waitForExit(timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(10_000) }
    return !process.isRunning
  }

  /// SIGTERM, up to 10 s for a clean stop, then SIGKILL. Idempotent.
  public func stop() {
    let first = lock.withLock { () -> Bool in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    if process.isRunning {
      kill(process.processIdentifier, SIGTERM)
      if !waitForExit(timeout: 10) { kill(process.processIdentifier, SIGKILL) }
    }
    process.waitUntilExit()
    // A sanitizer in the daemon reports into its log, which goes with the test: the test's own
    // standard error is where `Scripts/sanitize.sh` looks for reports.
    if let report = Self.sanitizerReport(in: lines) {
      FileHandle.standardError.write(
        Data("ldmd \(host) (pid \(process.processIdentifier)) logged:\n\(report)\n".utf8))
    }
  }

  /// The daemon's log whole, if a sanitizer reported anything in it; nil otherwise.
  public static func sanitizerReport(in lines: [String]) -> String? {
    let reported = lines.contains {
      $0.hasPrefix("WARNING: ThreadSanitizer")
        || $0.contains("ERROR: AddressSanitizer") || $0.contains("ERROR: LeakSanitizer")
    }
    return reported ? lines.joined(separator: "\n") : nil
  }

  /// A TCP port free on 127.0.0.1 now (the system's pick for port 0).
  public static func freePort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw CommandTimedOut(description: "no socket for a free port") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw CommandTimedOut(description: "cannot bind for a free port") }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
