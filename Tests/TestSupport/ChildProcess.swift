import Foundation

/// A long-running command a test talks to: lines to its standard input, lines from its
/// standard output. It is stopped (standard input closed, then killed if it lingers) by
/// ``stop()`` or when this object goes away, so no child outlives its test.
public final class ChildProcess: @unchecked Sendable {
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let lock = NSLock()
  private var received: [String] = []
  private var partial = ""
  private var stopped = false
  /// The end of the command's output was read: every line it printed is in `received`.
  private var outputEnded = false
  /// What the command is, for messages.
  public let label: String

  /// Starts `executable` with `arguments`; standard error goes to the test's own.
  public init(_ executable: String, _ arguments: [String]) throws {
    label = ([executable] + arguments).joined(separator: " ")
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let reading = output.fileHandleForReading
    Thread.detachNewThread { [weak self] in
      while true {
        let data = reading.availableData
        guard let self else { return }
        if data.isEmpty {
          self.lock.withLock {
            if !self.partial.isEmpty { self.received.append(self.partial) }
            self.partial = ""
            self.outputEnded = true
          }
          return
        }
        self.take(String(decoding: data, as: UTF8.self))
      }
    }
  }

  deinit {
    stop()
  }

  public var processIdentifier: Int32 { process.processIdentifier }
  public var isRunning: Bool { process.isRunning }

  /// Every whole line printed so far.
  public var lines: [String] { lock.withLock { received } }

  private func take(_ text: String) {
    lock.withLock {
      partial += text
      while let newline = partial.firstIndex(of: "\n") {
        received.append(String(partial[..<newline]))
        partial = String(partial[partial.index(after: newline)...])
      }
    }
  }

  /// Writes one line to the command's standard input.
  public func send(_ line: String) {
    try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
  }

  /// The first line after the first `after` lines that satisfies `predicate`, waiting for it
  /// at most `timeout` seconds (polled; the command runs on meanwhile).
  ///
  /// - Throws: ``CommandTimedOut`` with everything the command printed, if no such line came.
  @discardableResult
  public func waitForLine(
    after: Int = 0, timeout: Double = 30, where predicate: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      // Whether the output had ended is read before the lines, so that these are all of them.
      let ended = lock.withLock { outputEnded }
      let seen = lines
      if let line = seen.dropFirst(after).first(where: predicate) { return line }
      if ended {
        // Its output ends as it exits; its status is known a moment later.
        let reaped = Date().addingTimeInterval(2)
        while process.isRunning && Date() < reaped { usleep(10_000) }
        let status = process.isRunning ? "still running" : "status \(process.terminationStatus)"
        throw CommandTimedOut(
          description: "\(label) ended its output (\(status)) without the line awaited;"
            + " it printed: \(seen)")
      }
      usleep(10_000)
    } while Date() < deadline
    throw CommandTimedOut(
      description: "\(label): the line awaited did not come within \(timeout) s; it printed: "
        + "\(lines)")
  }

  /// Closes standard input (the commands tests use leave when it ends), waits up to 2 s, then
  /// kills the command if it is still there. Idempotent.
  public func stop() {
    let first = lock.withLock { () -> Bool in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    try? input.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(2)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
  }
}
