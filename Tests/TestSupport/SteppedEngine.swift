import Console
import Engine
import Hypervisor
import LdmCommands
import Migration

/// The engine's own logic (``EngineState``) as a console's engine connection, without its
/// thread: commands are handled when sent, and every poll lets a fixed slice of simulated time
/// pass. A console test on it is deterministic: the same keys give the same frames.
public final class SteppedEngine: EngineConnection {
  public private(set) var engine: EngineState
  /// Wall seconds each poll stands for (scaled by the engine's speed, as the thread does).
  public let step: Double
  /// Every command sent, in order.
  public private(set) var sent: [EngineCommand] = []
  private var reports: [EngineReport] = []

  public init(datacenter: Datacenter, step: Double = 0.04) {
    engine = EngineState(datacenter: datacenter)
    self.step = step
  }

  public func send(_ command: EngineCommand) {
    sent.append(command)
    reports += engine.handle(command)
  }

  public func poll() -> (snapshot: LiveSnapshot?, reports: [EngineReport]) {
    reports += engine.advance(wallSeconds: step)
    defer { reports = [] }
    return (engine.snapshot(), reports)
  }
}
