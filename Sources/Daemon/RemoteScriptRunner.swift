import Foundation
import LdmCommands
import Migration

/// `ldm-console run --connect`: a script run against daemons on the wall clock, with the
/// transcript of a simulated run. Each command goes to the daemon of its host, as if typed on
/// that host's control domain (so `-p FILE` names a file there); a foreground command waits
/// for its answer, `sleep` waits for real, and `fault` is refused before anything runs: against
/// daemons, faults are made by breaking the link or stopping a daemon.
public final class RemoteScriptRunner {
  let script: RunScript
  let links: [String: DaemonLink]
  let output: RunMode.Output
  var jobs: [Job] = []
  var nextJob = 1
  var nextTicket = 1
  var answers: [Int: EngineReport] = [:]
  var status: [String: DaemonLink.Status] = [:]
  var failed = false

  /// Seconds between two looks at the links while waiting.
  static let pollInterval = 0.02
  /// How long to wait for every daemon before the script starts.
  public static let connectTimeout = 10.0

  struct Job {
    var number: Int
    var text: String
    var host: String
    var ticket: Int
  }

  init(script: RunScript, links: [DaemonLink], output: RunMode.Output) {
    self.script = script
    self.links = Dictionary(uniqueKeysWithValues: links.map { ($0.host, $0) })
    self.output = output
  }

  /// Reads and checks the script, reaches every daemon, runs the script; the exit status of
  /// `run`: 0 when every command succeeded, 1 when any failed, 2 for a bad script or a daemon
  /// that cannot be reached. The links are stopped when it returns.
  public static func run(
    scriptPath: String, links: [DaemonLink], files: any FileReading, workingDirectory: String,
    standardInput: (() -> String?)?, output: RunMode.Output,
    connectTimeout: Double = RemoteScriptRunner.connectTimeout
  ) -> Int32 {
    let script: RunScript
    do throws(LdmError) {
      let source = try RunMode.readScript(
        scriptPath, files: files, workingDirectory: workingDirectory,
        standardInput: standardInput)
      do {
        script = try RunScript.parse(source.text, file: source.name, hosts: links.map(\.host))
      } catch {
        throw LdmError(error.description)
      }
      if let step = script.steps.first(where: {
        if case .fault = $0.action { true } else { false }
      }) {
        throw LdmError(
          "\(source.name):\(step.line): fault applies to a simulated run only; against daemons,"
            + " break the link or stop a daemon")
      }
    } catch {
      output.error(error.message)
      return 2
    }
    let runner = RemoteScriptRunner(script: script, links: links, output: output)
    for link in links { link.start() }
    defer { for link in links { link.stop() } }
    if let unreachable = runner.awaitConnections(timeout: connectTimeout) {
      output.error(unreachable)
      return 2
    }
    return runner.run()
  }

  /// Nil once every link is connected, else the first one's trouble.
  func awaitConnections(timeout: Double) -> String? {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      pump()
      let waiting = links.values.sorted { $0.host < $1.host }.filter {
        status[$0.host] != .connected
      }
      guard let first = waiting.first else { return nil }
      if Date() >= deadline {
        let reason =
          if case .lost(let reason)? = status[first.host] { reason } else { "no answer" }
        return "ldm-console run: cannot reach ldmd on \(first.host) at"
          + " \(first.address.host):\(first.address.port): \(reason)"
      }
      Thread.sleep(forTimeInterval: Self.pollInterval)
    }
  }

  func run() -> Int32 {
    for step in script.steps {
      perform(step.action)
      reportFinishedJobs()
    }
    waitForJobs()
    return failed ? 1 : 0
  }

  func perform(_ action: RunScript.Action) {
    switch action {
    case .command(let host, let line, let background):
      write("\(host)# \(line)\(background ? " &" : "")")
      let ticket = send(line, to: host)
      if background {
        write("[\(nextJob)] started")
        jobs.append(Job(number: nextJob, text: line, host: host, ticket: ticket))
        nextJob += 1
      } else {
        wait(until: { self.answers[ticket] != nil || self.isLost(host) })
        emit(answer(ticket, host: host, line: line))
      }
    case .sleep(let seconds, let text):
      write(text)
      let deadline = Date().addingTimeInterval(seconds)
      wait(until: { Date() >= deadline })
    case .wait:
      write("wait")
      waitForJobs()
    case .fault:
      // Refused before the run started.
      break
    }
  }

  func send(_ line: String, to host: String) -> Int {
    let ticket = nextTicket
    nextTicket += 1
    links[host]?.send(.ldm(line: line, host: host, ticket: ticket, foreground: true))
    return ticket
  }

  /// The lines and status of a command's answer, or of the daemon lost before it came.
  func answer(_ ticket: Int, host: String, line: String) -> CommandOutput {
    switch answers.removeValue(forKey: ticket) {
    case .commandFinished(_, let text, let status)?:
      // The text is the lines each ended by a newline (CommandOutput.text).
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      return CommandOutput(lines: lines, status: status)
    case .refused(_, let lines)?:
      return .failure(lines.joined(separator: "\n"))
    default:
      let reason = if case .lost(let reason)? = status[host] { reason } else { "no answer" }
      return .failure("ldm-console: lost ldmd on \(host) while `\(line)` ran: \(reason)")
    }
  }

  func isLost(_ host: String) -> Bool {
    if case .lost? = status[host] { true } else { false }
  }

  func reportFinishedJobs() {
    pump()
    var running: [Job] = []
    for job in jobs {
      guard answers[job.ticket] != nil || isLost(job.host) else {
        running.append(job)
        continue
      }
      let output = answer(job.ticket, host: job.host, line: job.text)
      write("[\(job.number)] \(output.succeeded ? "Done" : "Exit \(output.status)")  \(job.text)")
      emit(output)
    }
    jobs = running
  }

  func waitForJobs() {
    wait(until: { self.jobs.allSatisfy { self.answers[$0.ticket] != nil || self.isLost($0.host) } })
    reportFinishedJobs()
  }

  /// Looks at the links until `done`, writing events and notes as they come.
  func wait(until done: () -> Bool) {
    let deadline = Date().addingTimeInterval(ScriptRunner.waitLimit)
    while true {
      pump()
      if done() || Date() >= deadline { return }
      Thread.sleep(forTimeInterval: Self.pollInterval)
    }
  }

  /// Takes in what every link received since the last look.
  func pump() {
    for link in links.values.sorted(by: { $0.host < $1.host }) {
      let view = link.poll()
      status[link.host] = view.status
      for event in view.events {
        output.events?(event.jsonLine())
        if let note = ScriptRunner.note(on: event) { write(note) }
      }
      for report in view.reports {
        if let ticket = report.ticket { answers[ticket] = report }
      }
    }
  }

  func emit(_ output: CommandOutput) {
    for line in output.lines { write(line) }
    if !output.succeeded { failed = true }
  }

  func write(_ line: String) { output.transcript(line) }
}
