import Engine
import Migration

/// The guided tour of `ldm-console demo`: steps the viewer walks through with space or `n`.
///
/// Each step has a narration for the banner, the actions performed when the viewer reaches it,
/// and what to wait for before the next step may start (a phase reached, a migration started
/// or finished, the migrate form answered). Everything goes through the console's own paths
/// (the migrate form, the cancel request, presenter stepping), so the audience sees the real
/// screens.
public struct DemoScript: Sendable, Equatable {
  public var steps: [DemoStep]

  public init(steps: [DemoStep]) {
    self.steps = steps
  }
}

/// One stop of the tour.
public struct DemoStep: Sendable, Equatable {
  /// The banner's title.
  public var title: String
  /// The phase whose caption (`Phase.caption`) the banner shows prominently.
  public var phase: Phase?
  /// What is about to happen, or what the screen shows, in a sentence or two.
  public var narration: String
  /// Done when the viewer reaches the step, in order.
  public var actions: [DemoAction]
  /// What must happen before the viewer may go on.
  public var wait: DemoWait
  /// Done once, when the wait is over (e.g. pausing the clock in mid-transfer).
  public var onReady: [DemoAction]

  public init(
    title: String, phase: Phase? = nil, narration: String, actions: [DemoAction] = [],
    wait: DemoWait = .nothing, onReady: [DemoAction] = []
  ) {
    self.title = title
    self.phase = phase
    self.narration = narration
    self.actions = actions
    self.wait = wait
    self.onReady = onReady
  }
}

/// The migrate form as the tour fills it in.
public struct DemoForm: Sendable, Equatable {
  public var sourceHost: String
  public var domain: String
  /// `[user@]host[:name]`.
  public var target: String
  public var password: String
  public var dryRun: Bool

  public init(
    sourceHost: String, domain: String, target: String, password: String, dryRun: Bool = false
  ) {
    self.sourceHost = sourceHost
    self.domain = domain
    self.target = target
    self.password = password
    self.dryRun = dryRun
  }
}

/// What a step does to the console (and through it to the engine).
public enum DemoAction: Sendable, Equatable {
  case setPaused(Bool)
  case setSpeed(Double)
  /// Presenter stepping: run to the start of the next phase and pause.
  case stepToNextPhase
  /// Opens the migrate form on the domain, filled in.
  case openForm(DemoForm)
  /// Submits the form (opening it first if it is not the one shown); the tour follows the
  /// request: the migration it starts, or the form's answer.
  case submitForm(DemoForm)
  /// `ldm cancel-operation migration` on the tour's migration, from its source.
  case cancelMigration
  case closeDialog
}

/// What the tour waits for before the viewer may go on. A wait that can no longer be met
/// (the migration was refused, cancelled by hand, or ended) is over too, so that the tour
/// never sticks.
public enum DemoWait: Sendable, Equatable {
  case nothing
  /// The engine answered the tour's migrate request.
  case migrationStarted
  /// Presenter stepping stopped the tour's migration at the start of this phase.
  case pausedAt(Phase)
  /// The tour's migration is in state transfer with at least this fraction sent.
  case transferred(Double)
  /// The tour's migration ended (completed, cancelled or failed).
  case migrationFinished
  /// The migrate form shows the engine's answer (refusal lines or dry-run checks).
  case formAnswered
}

extension DemoScript {
  /// The tour on the built-in scenario (hosts sparc-t4-a and sparc-t4-b, root password
  /// `secret`), narrated in the words of the seed article: the migration of ldom01 renamed
  /// ldom_other, phase by phase; a cancel in mid-transfer; a refused pre-check; a dry run.
  public static let tour = tour(source: "sparc-t4-a", target: "sparc-t4-b", password: "secret")

  public static func tour(source: String, target: String, password: String) -> DemoScript {
    let rename = DemoForm(
      sourceHost: source, domain: "ldom01", target: "root@\(target):ldom_other",
      password: password)
    let cancelled = DemoForm(
      sourceHost: source, domain: "ldom02", target: "root@\(target)", password: password)
    let refused = DemoForm(
      sourceHost: source, domain: "ldom03", target: "root@\(target)", password: password)
    let dryRun = DemoForm(
      sourceHost: source, domain: "ldom04", target: "root@\(target)", password: password,
      dryRun: true)
    return DemoScript(steps: [
      DemoStep(
        title: "Live migration of logical domains",
        narration:
          "Live migration moves an active LDOM from one physical system to another while it"
          + " runs, stopped only for a brief suspension (the downtime, measured: about a tenth"
          + " of a second here): for patching, hardware changes or load balancing. Left: the source"
          + " \(source); right: the target \(target)."),
      DemoStep(
        title: "ldm migrate ldom01 root@\(target):ldom_other",
        narration:
          "Migrating and renaming the LDOM: the name after the colon is its name on the"
          + " target. Target Password: is the target's root password. The migration will stop"
          + " at the start of each of its five phases.",
        actions: [.openForm(rename)]),
      DemoStep(
        title: "Phase 1: Pre-checks", phase: .preChecks,
        narration:
          "In this phase the source machine does pre-checks on the target system to ensure"
          + " that the migration will succeed: CPUs, memory, virtual disks, services.",
        actions: [.setPaused(true), .submitForm(rename)], wait: .migrationStarted),
      DemoStep(
        title: "Phase 2: Target LDOM creation", phase: .targetCreation,
        narration:
          "Here an LDOM is created on the target machine, which will be in bound state until"
          + " the migration is complete: ldom_other, bound, flags -----t; ldom01 shows -n---s.",
        actions: [.stepToNextPhase], wait: .pausedAt(.targetCreation)),
      DemoStep(
        title: "Phase 3: Run time state transfer", phase: .stateTransfer,
        narration:
          "The run time state of the source LDOM is transferred to the target machine. Any"
          + " changes to the source LDOM are also transferred during the migration.",
        actions: [.stepToNextPhase], wait: .pausedAt(.stateTransfer)),
      DemoStep(
        title: "Phase 4: Source domain suspension", phase: .suspension,
        narration:
          "The source domain is suspended for a fraction of time and the remaining state"
          + " information of the source LDOM is transferred to the target machine.",
        actions: [.stepToNextPhase], wait: .pausedAt(.suspension)),
      DemoStep(
        title: "Phase 5: Hand-off", phase: .handOff,
        narration:
          "A hand-off occurs between the LDOM manager on the source machine and the one on"
          + " the target: the LDOM resumes execution on the target, and the source LDOM is"
          + " destroyed completely.",
        actions: [.stepToNextPhase], wait: .pausedAt(.handOff)),
      DemoStep(
        title: "Migrated and renamed",
        narration:
          "ldom_other is active on \(target) and ldom01 is gone from \(source): the LDOM moved"
          + " while it ran, stopped only for the suspension: {downtime} of downtime, measured"
          + " from suspend to resume. Next: a migration cancelled"
          + " in mid-transfer.",
        actions: [.stepToNextPhase], wait: .migrationFinished),
      DemoStep(
        title: "Canceling a migration in progress",
        narration:
          "ldom02 starts migrating to \(target): -n---s on the source, -----t on the target."
          + " The tour holds it in mid-transfer. Either a KILL signal to ldm migrate or ldm"
          + " cancel-operation can terminate a migration, from the source machine.",
        actions: [.setPaused(false), .submitForm(cancelled)], wait: .transferred(0.3),
        onReady: [.setPaused(true)]),
      DemoStep(
        title: "ldm cancel-operation migration ldom02",
        narration:
          "The target machine can not control the migration process. As effect of the cancel"
          + " operation the LDOM created on the target machine is destroyed, and ldom02 is"
          + " back to -n---- on \(source).",
        actions: [.cancelMigration, .setPaused(false)], wait: .migrationFinished),
      DemoStep(
        title: "A pre-check failure: ldom03",
        narration:
          "Each virtual disk back end on the target system must have the same volume name."
          + " vol03 is not defined on \(target): the pre-checks refuse ldom03 before anything"
          + " moves.",
        actions: [.submitForm(refused)], wait: .migrationFinished),
      DemoStep(
        title: "A dry run: ldm migrate -n ldom04",
        narration:
          "-n runs the pre-checks only: CPUs, CPU type, memory, I/O, virtual disks and"
          + " services, a free console port. Every check passes, and nothing moves.",
        actions: [.closeDialog, .submitForm(dryRun)], wait: .formAnswered),
      DemoStep(
        title: "End of the tour",
        narration:
          "The console is yours: m migrates, c cancels, : runs ldm commands, ? lists every"
          + " key. Space or n closes this banner; q leaves.",
        actions: [.closeDialog]),
    ])
  }
}
