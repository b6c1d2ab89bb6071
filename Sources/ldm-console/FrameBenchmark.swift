import Console
import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration

/// Times the console's view + diff for one full frame during a migration (DESIGN §7).
enum FrameBenchmark {
  /// The median over many frames, each diffed against the frame before, while the migration
  /// moves on between frames so every frame has real changes (bars, counters, log).
  static func measure(width: Int, height: Int, frames: Int = 300) -> (
    medianMilliseconds: Double, runsPerFrame: Double
  ) {
    guard
      let datacenter = try? Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false)
    else { return (.nan, 0) }
    var engine = EngineState(datacenter: datacenter)
    _ = engine.handle(
      .migrate(
        MigrationRequest(
          sourceHost: "sparc-t4-a", domain: "ldom02", targetHost: "sparc-t4-b",
          password: "secret", targetName: "ldom_other"), ticket: 1))
    _ = engine.advance(wallSeconds: 1)
    var state = ConsoleState(live: engine.snapshot(), width: width, height: height)
    var previous: ScreenBuffer? = ConsoleApp.view(state)
    var samples: [Double] = []
    samples.reserveCapacity(frames)
    // Counted so the diff's result is used, and reported as a sanity check.
    var runs = 0
    for _ in 0..<frames {
      _ = engine.advance(wallSeconds: 0.01)
      _ = ConsoleApp.update(&state, .snapshot(engine.snapshot()))
      let start = ContinuousClock.now
      let (buffer, changes) = ConsoleApp.frame(state, previous: previous)
      let elapsed = ContinuousClock.now - start
      runs += changes.count
      previous = buffer
      samples.append(elapsed.inSeconds * 1e3)
    }
    samples.sort()
    return (samples[samples.count / 2], Double(runs) / Double(frames))
  }
}
