import Engine
import Migration

/// Where the viewer is in the guided tour, and what the tour is following.
public struct DemoState: Sendable, Equatable {
  public var script: DemoScript
  /// The step shown.
  public var index = 0
  /// The step's wait is over: space or `n` goes on.
  public var isReady = false
  /// The ticket of the tour's latest migrate request.
  public var ticket: Int?
  /// The migration that request started.
  public var migration: MigrationID?
  /// The phase presenter stepping last stopped the tour's migration at, since the step began.
  public var reachedPhase: Phase?
  /// The domain of the migrate form the tour opened, while it is shown: space, `n` and `q`
  /// stay the tour's keys there.
  public var formDomain: String?

  public init(script: DemoScript) {
    self.script = script
  }

  public var step: DemoStep { script.steps[index] }
  public var isLastStep: Bool { index + 1 >= script.steps.count }
  /// `3/13`.
  public var position: String { "\(index + 1)/\(script.steps.count)" }
}
