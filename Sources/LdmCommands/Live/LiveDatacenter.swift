import Engine
import Foundation
import Hypervisor
import Migration

/// Runs a ``Datacenter`` on its own thread against a scaled wall clock, for the console.
///
/// The console never touches the datacenter: it sends ``EngineCommand``s and reads back the
/// latest ``LiveSnapshot`` and the ``EngineReport``s, all through one lock. The datacenter is
/// built on the engine thread itself, so no live object ever crosses threads.
public final class LiveDatacenter: Sendable {
  /// Everything the two threads share, guarded by `condition`.
  private final class Shared: @unchecked Sendable {
    let condition = NSCondition()
    var inbox: [EngineCommand] = []
    var reports: [EngineReport] = []
    var snapshot: LiveSnapshot?
    var startError: String?
    var started = false
    var stopped = false
  }

  private let shared = Shared()
  /// Wall-clock seconds between two engine ticks when nothing else wakes it.
  public static let tick = 0.04
  /// Simulated seconds per wall second that the console offers (`+`/`-`).
  public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]

  /// Starts the engine thread on `scenario` and waits until its datacenter is built.
  public init(
    scenario: Scenario, settings: EngineSettings? = nil, baseDirectory: String = ""
  ) throws(HypervisorError) {
    let shared = self.shared
    let thread = Thread {
      EngineLoop(
        scenario: scenario, settings: settings, baseDirectory: baseDirectory, shared: shared
      ).run()
    }
    thread.name = "ldm-console engine"
    thread.start()
    shared.condition.lock()
    while !shared.started { shared.condition.wait() }
    let error = shared.startError
    shared.condition.unlock()
    if let error { throw HypervisorError(error) }
  }

  /// Queues a command; the engine thread wakes at once.
  public func send(_ command: EngineCommand) {
    shared.condition.lock()
    shared.inbox.append(command)
    shared.condition.broadcast()
    shared.condition.unlock()
  }

  /// The newest snapshot and the reports since the last call.
  public func poll() -> (snapshot: LiveSnapshot?, reports: [EngineReport]) {
    shared.condition.lock()
    defer { shared.condition.unlock() }
    let reports = shared.reports
    shared.reports = []
    return (shared.snapshot, reports)
  }

  /// Stops the engine thread and waits for it.
  public func stop() {
    send(.shutdown)
    shared.condition.lock()
    while !shared.stopped { shared.condition.wait() }
    shared.condition.unlock()
  }

  /// The engine thread's side: owns the datacenter.
  private struct EngineLoop {
    let scenario: Scenario
    let settings: EngineSettings?
    let baseDirectory: String
    let shared: Shared

    func run() {
      let datacenter: Datacenter
      do {
        datacenter = try Datacenter(scenario: scenario, settings: settings)
      } catch {
        shared.condition.lock()
        shared.startError = "\(scenario.name): \(error.reason)"
        shared.started = true
        shared.stopped = true
        shared.condition.broadcast()
        shared.condition.unlock()
        return
      }
      var engine = EngineState(datacenter: datacenter, baseDirectory: baseDirectory)
      shared.condition.lock()
      shared.snapshot = engine.snapshot()
      shared.started = true
      shared.condition.broadcast()
      shared.condition.unlock()

      let clock = ContinuousClock()
      var last = clock.now
      while true {
        shared.condition.lock()
        if shared.inbox.isEmpty {
          _ = shared.condition.wait(until: Date(timeIntervalSinceNow: LiveDatacenter.tick))
        }
        let commands = shared.inbox
        shared.inbox = []
        shared.condition.unlock()

        var reports: [EngineReport] = []
        var shuttingDown = false
        for command in commands {
          if command == .shutdown {
            shuttingDown = true
          } else {
            reports += engine.handle(command)
          }
        }
        let now = clock.now
        // A long stall (a suspended process, a debugger) must not become a jump in time.
        let wall = min((now - last).inSeconds, 0.25)
        last = now
        reports += engine.advance(wallSeconds: wall)
        let snapshot = engine.snapshot()

        shared.condition.lock()
        shared.reports += reports
        shared.snapshot = snapshot
        if shuttingDown {
          shared.stopped = true
          shared.condition.broadcast()
        }
        shared.condition.unlock()
        if shuttingDown { return }
      }
    }

  }
}
