import LdmCommands

/// What the console's runtime needs of the engine: commands out, snapshots and reports in.
///
/// ``LiveDatacenter`` (the engine on its own thread) is the real one; a test can stand in a
/// scripted engine.
public protocol EngineConnection: AnyObject {
  /// Queues a command for the engine.
  func send(_ command: EngineCommand)
  /// The newest snapshot (nil before the first) and the reports since the last call.
  func poll() -> (snapshot: LiveSnapshot?, reports: [EngineReport])
}

extension LiveDatacenter: EngineConnection {}
