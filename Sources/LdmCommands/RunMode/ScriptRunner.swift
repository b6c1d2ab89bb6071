import Engine
import Hypervisor
import Migration

/// Runs a ``RunScript`` against a datacenter on a virtual clock and writes the transcript:
/// each line echoed as `HOST# command`, then its output. Time passes only when the script
/// says so (`sleep`, `wait`, a foreground command that waits on the managers), so a run is
/// instant and deterministic. The transcript goes out line by line as the run goes.
public final class ScriptRunner {
  public let script: RunScript
  public let shell: LdmShell
  public let datacenter: Datacenter
  let write: (String) -> Void
  var jobs: [Job] = []
  var nextJob = 1
  var failed = false

  /// The longest the runner lets time run while waiting for a command.
  public static let waitLimit: Double = 86_400

  /// A background command.
  struct Job {
    var number: Int
    var text: String
    var pending: PendingOperation?
    /// For a command that ended at once.
    var status: Int32
  }

  /// `write` receives the transcript one line at a time, without newline.
  public init(
    script: RunScript, datacenter: Datacenter, shell: LdmShell,
    write: @escaping (String) -> Void
  ) {
    self.script = script
    self.datacenter = datacenter
    self.shell = shell
    self.write = write
  }

  /// Runs every step, then waits for background commands. Returns 0 when every command
  /// succeeded, 1 when any failed.
  public func run() -> Int32 {
    for step in script.steps {
      perform(step.action)
      reportFinishedJobs()
    }
    waitForJobs()
    return failed ? 1 : 0
  }

  /// Engine events a transcript reader must see as they happen: a fault that found nothing to
  /// act on, a downtime over its limit.
  public func observe(_ event: MigrationEvent) {
    if let note = Self.note(on: event) { write(note) }
  }

  /// The transcript's line for an event a reader must see, if it is one.
  public static func note(on event: MigrationEvent) -> String? {
    switch event.kind {
    case .faultWithoutMigration, .downtimeOverLimit:
      let about = event.domain.map { "\($0) " } ?? ""
      return "ldm-console: \(event.timestamp) \(about)\(event.message)"
    default:
      return nil
    }
  }

  func perform(_ action: RunScript.Action) {
    switch action {
    case .command(let host, let line, let background):
      write("\(host)# \(line)\(background ? " &" : "")")
      if background {
        startJob(line, on: host)
      } else {
        runForeground(line, on: host)
      }
    case .sleep(let seconds, let text):
      write(text)
      datacenter.advance(by: seconds)
    case .wait:
      write("wait")
      waitForJobs()
    case .fault(let fault, let aim, let trigger, let text):
      write(text)
      do {
        try datacenter.inject(fault, aim: aim, when: trigger)
      } catch {
        emit(.failure(error.message))
      }
    }
  }

  func runForeground(_ line: String, on host: String) {
    let result = shell.run(line, on: host)
    emit(result.output, recordFailure: result.pending == nil)
    guard let pending = result.pending else { return }
    // ldm blocks until what it started ends; meanwhile background work moves too.
    let ended = datacenter.advance(
      until: { self.shell.completion(of: pending) != nil }, limit: Self.waitLimit)
    guard ended, let completion = shell.completion(of: pending) else {
      emit(.failure("ldm-console: \(Self.name(of: pending)) still running after the wait limit"))
      return
    }
    emit(completion)
  }

  static func name(of pending: PendingOperation) -> String {
    switch pending {
    case .migration(let id): "migration \(id)"
    case .dryRun(let id): "dry run \(id)"
    case .cancellation(let id): "the cancel of migration \(id)"
    case .recovery(let domain, _): "the recovery of \(domain)"
    }
  }

  func startJob(_ line: String, on host: String) {
    let number = nextJob
    nextJob += 1
    write("[\(number)] started")
    let result = shell.run(line, on: host)
    for text in result.output.lines { write(text) }
    jobs.append(
      Job(number: number, text: line, pending: result.pending, status: result.output.status))
  }

  /// Prints `[N] Done  COMMAND` or `[N] Exit S  COMMAND` and the rest of its output for every
  /// background command that has ended, as a shell does before its next prompt.
  func reportFinishedJobs() {
    var running: [Job] = []
    for job in jobs {
      var output = CommandOutput(status: job.status)
      if let pending = job.pending {
        guard let completion = shell.completion(of: pending) else {
          running.append(job)
          continue
        }
        output = completion
      }
      write("[\(job.number)] \(output.succeeded ? "Done" : "Exit \(output.status)")  \(job.text)")
      emit(output)
    }
    jobs = running
  }

  func waitForJobs() {
    let pending = jobs.compactMap(\.pending)
    let ended = datacenter.advance(
      until: { pending.allSatisfy { self.shell.completion(of: $0) != nil } },
      limit: Self.waitLimit)
    if !ended {
      emit(.failure("ldm-console: background commands still running after the wait limit"))
    }
    reportFinishedJobs()
  }

  /// Writes a command's lines and remembers a failure for the exit status.
  func emit(_ output: CommandOutput, recordFailure: Bool = true) {
    for line in output.lines { write(line) }
    if recordFailure, !output.succeeded { failed = true }
  }
}
