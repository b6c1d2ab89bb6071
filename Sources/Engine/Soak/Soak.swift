import Compression
import Foundation
import Hypervisor
import Migration

/// A long run of migrations back and forth between the two hosts of a scenario, on the virtual
/// clock, with seeded random cancels, faults and renames, checking after every step that
/// nothing was lost (`ldm-console soak`, issue 5).
///
/// The invariants, checked after each step:
/// - both hosts' accounting is exact (``Datacenter/accountingProblems()`` is empty);
/// - the guest domains are conserved: each lives on exactly one host under the name the soak
///   expects (renames included), and a half-made target exists only while its migration runs;
/// - a completed live migration's source and target digests matched, and the domain runs on
///   the target under its new name, gone from the source;
/// - a cancelled or failed migration left the source domain in its old state with no
///   migration flag, and the target holds nothing of it.
public enum Soak {
  /// What to run.
  public struct Options: Sendable {
    /// Migrations to start (including those the pre-checks refuse).
    public var migrations: Int
    public var seed: UInt64
    /// Whether guests get real memory contents (the soak's point); tests may turn it off.
    public var populateMemory: Bool
    /// A scenario with at least two hosts; the soak migrates between the first two.
    public var scenario: Scenario
    /// Keep every guest write inside its hot working set. Guests dirty memory as fast as
    /// before (so pre-copy still needs its passes), but stop touching new pages once the
    /// working set is resident: over a long run their few cold writes would otherwise fill
    /// all of their memory, and resident memory would grow with simulated time whatever the
    /// engine does. Use it to see whether the engine itself holds on to memory.
    public var hotSetOnly: Bool
    /// Page channels of every migration; nil draws 1 to ``drawnChannels`` per migration.
    public var channels: Int?
    /// Called after each tenth of the migrations has started, with the report so far, the
    /// process's resident memory then and the bytes of guest pages with storage on both hosts
    /// (a long run says how far it is, and how much of its memory the guests fill).
    public var progress: (@Sendable (Report, _ resident: UInt64?, _ guest: UInt64) -> Void)?
    /// Called with each of the first 50 broken invariants as it is found, in the words the
    /// report keeps (a long run need not end before it says what went wrong).
    public var violationFound: (@Sendable (String) -> Void)?

    public init(
      migrations: Int, seed: UInt64 = 1, populateMemory: Bool = true,
      scenario: Scenario = ScenarioLoader.builtin(), hotSetOnly: Bool = false,
      channels: Int? = nil
    ) {
      self.channels = channels
      self.migrations = migrations
      self.seed = seed
      self.populateMemory = populateMemory
      self.scenario = scenario
      self.hotSetOnly = hotSetOnly
    }
  }

  /// Resident memory of the process at three points of the run, in bytes (nil without /proc).
  public struct Resident: Sendable, Codable, Equatable {
    public var start: UInt64?
    /// When half of the migrations have been started.
    public var middle: UInt64?
    public var end: UInt64?
    /// The most the process ever held (VmHWM), read at the end.
    public var peak: UInt64?
  }

  /// What happened, and every invariant that broke.
  public struct Report: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var started = 0
    public var completed = 0
    /// Completed under a new name (a rename, or a rename back).
    public var renamed = 0
    public var cancelled = 0
    public var failedByFault = 0
    public var refusedByPreCheck = 0
    /// Failed for another reason (none is expected); the first reasons are in ``notes``.
    public var failedOther = 0
    /// Faults injected (a fault acting on two migrations counts once for each).
    public var faultsInjected = 0
    /// Sources left with the error flag by a link failure during hand-off, then restored
    /// with `cancel-operation`.
    public var errorsCleared = 0
    /// Migrations started with each codec offered (drawn at random per migration).
    public var byCodec: [String: Int] = [:]
    /// Migrations started with each number of page channels asked for, by that number.
    public var byChannels: [String: Int] = [:]
    /// Migrations started asking for XBZRLE (drawn at random per migration).
    public var withXBZRLE = 0
    public var simulatedSeconds = 0.0
    public var resident = Resident()
    /// Guest pages with storage on both hosts, in bytes, at the same three points: memory the
    /// guests' workloads legitimately fill over simulated time, to set against ``resident``.
    public var guestMemory = Resident()
    /// Broken invariants, each naming the step, the migration and what broke (the first 50).
    public var violations: [String] = []
    public var violationCount = 0
    /// Unexpected but legitimate things worth a look (the first 20).
    public var notes: [String] = []

    /// Whether every invariant held.
    public var passed: Bool { violationCount == 0 }
  }

  /// Runs the soak. Throws only when the scenario cannot be built.
  public static func run(_ options: Options) throws -> Report {
    var runner = try Runner(options)
    return runner.run()
  }

  /// The process's peak resident set size (VmHWM), from `/proc/self/status`; nil without /proc.
  public static func peakResidentBytes() -> UInt64? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .ascii) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let digits = line.dropFirst(6).filter(\.isNumber)
      return UInt64(digits).map { $0 * 1024 }
    }
    return nil
  }

  /// The process's current resident set size, from `/proc/self/statm`; nil without /proc.
  public static func residentBytes() -> UInt64? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else {
      return nil
    }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = UInt64(fields[1]) else { return nil }
    return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
  }
}

extension Soak {
  /// A guest domain followed through its migrations: its home name, where it is and what it
  /// is called now.
  struct Guest {
    var original: String
    var host: Int
    var name: String
    var state: DomainState
    /// Migrations of it the pre-checks refused (some guests can never move).
    var refusals = 0
    /// Names it may take: its own and two aliases, so renames never grow without bound.
    var pool: [String] { [original, original + "-x", original + "_y"] }
  }

  enum Disruption {
    case none
    case cancel(at: Double)
    /// A fault now, at the link or at this migration only.
    case fault(Fault, aimed: Bool, at: Double)
  }

  /// One started migration and what the soak expects of it.
  struct Plan {
    var id: MigrationID
    var guest: Int
    var sourceHost: Int
    var sourceName: String
    var targetName: String
    var sourceState: DomainState
    var disruption: Disruption
    /// Started with a wrong password: the authentication pre-check must refuse it.
    var wrongPassword = false
    /// The codec its source offered.
    var codec: CompressionCodec = .none
    /// The page channels its source asked for.
    var channels = 1
    /// Whether its source asked for XBZRLE.
    var xbzrle = false
  }

  /// Collects what the engine announces; a reference so the datacenter's sink can fill it.
  final class EventTally {
    /// Migrations a fault acted on, until the soak classifies their end.
    var faulted: Set<MigrationID> = []
    var faults = 0
    /// How `cancel-operation` settled each domain left with the error flag, by name.
    var recovered: [String: Recovery] = [:]
  }

  struct Runner {
    let options: Options
    let datacenter: Datacenter
    let hostNames: [String]
    var random: DeterministicRandom
    /// Draws each migration's codec; a stream of its own, so the other choices of a seed stay
    /// what they were before codecs were drawn.
    var codecRandom: DeterministicRandom
    /// Draws each migration's channels, on a stream of its own for the same reason.
    var channelRandom: DeterministicRandom
    /// Draws whether each migration asks for XBZRLE, on a stream of its own too.
    var xbzrleRandom: DeterministicRandom
    var guests: [Guest] = []
    var plans: [MigrationID: Plan] = [:]
    let tally = EventTally()
    var report: Report
    var step = 0
    /// Fault kinds that end a migration (a slow link only slows it).
    static let faults: [Fault] = [.linkDown, .targetCrash, .targetOutOfMemory]
    static let stuckAfter = 3_600.0
    /// The most channels drawn when the options fix none.
    static let drawnChannels = 4

    init(_ options: Options) throws {
      guard options.scenario.hosts.count >= 2 else {
        throw HypervisorError("The soak needs a scenario with two hosts")
      }
      self.options = options
      var scenario = options.scenario
      if options.hotSetOnly {
        for host in scenario.hosts.indices {
          for domain in scenario.hosts[host].domains.indices {
            scenario.hosts[host].domains[domain].workload.hotWriteFraction = 1
          }
        }
      }
      datacenter = try Datacenter(scenario: scenario, populateMemory: options.populateMemory)
      hostNames = datacenter.hosts.prefix(2).map(\.name)
      random = DeterministicRandom(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x50A4)
      codecRandom = DeterministicRandom(seed: options.seed &* 0xD6E8_FEB8_6659_FD93 ^ 0xC0DE)
      channelRandom = DeterministicRandom(seed: options.seed &* 0xA076_1D64_78BD_642F ^ 0xC4A7)
      xbzrleRandom = DeterministicRandom(seed: options.seed &* 0xE703_7ED1_A0B4_28DB ^ 0x8B21)
      report = Report(seed: options.seed)
      for (index, host) in datacenter.hosts.prefix(2).enumerated() {
        for domain in host.domains where !domain.isControl && domain.state.holdsResources {
          guests.append(
            Guest(original: domain.name, host: index, name: domain.name, state: domain.state))
        }
      }
      let tally = tally
      datacenter.eventSink = { event in
        guard event.kind == .faultInjected, let id = event.migration else { return }
        tally.faulted.insert(id)
        tally.faults += 1
      }
    }

    /// Makes every guest's owed stores, so memory is measured with all of them made.
    func settleGuests() {
      for host in datacenter.hosts { host.makeOwedWrites() }
    }

    mutating func run() -> Report {
      report.resident.start = Soak.residentBytes()
      report.guestMemory.start = guestBytes()
      if options.migrations == 0 {
        report.resident.middle = report.resident.start
        report.guestMemory.middle = report.guestMemory.start
      }
      checkWorld()
      while report.started < options.migrations || !plans.isEmpty {
        step += 1
        // Up to two at once: the link is shared, and a fault acts on both.
        let wanted = 1 + random.next(below: 2)
        while report.started < options.migrations, plans.count < wanted, startOne() {
          if let progress = options.progress, options.migrations >= 10,
            report.started % (options.migrations / 10) == 0
          {
            progress(report, Soak.residentBytes(), guestBytes())
          }
          if report.started == (options.migrations + 1) / 2 {
            settleGuests()
            report.resident.middle = Soak.residentBytes()
            report.guestMemory.middle = guestBytes()
          }
        }
        disrupt()
        datacenter.advance(by: 0.02 + random.nextUnit() * 0.6)
        clearErrorFlags()
        collectFinished()
        checkWorld()
        if plans.isEmpty, report.started < options.migrations, !startable() {
          violation("no guest can be migrated any more")
          break
        }
      }
      // Once nothing migrates, every connection closes at both ends and what was on the wire
      // drains: a link still busy a minute later holds connections nobody will read.
      if !datacenter.advance(until: { datacenter.isIdle }, limit: 60) {
        let held = datacenter.link.held
        violation(
          "nothing migrates, but the link still holds \(held.connections) connections"
            + " with \(held.bytes) bytes a minute later")
      }
      report.faultsInjected = tally.faults
      report.simulatedSeconds = datacenter.now
      settleGuests()
      report.resident.end = Soak.residentBytes()
      report.resident.peak = Soak.peakResidentBytes()
      report.guestMemory.end = guestBytes()
      return report
    }

    /// Bytes of guest memory with storage, over every domain of both hosts.
    func guestBytes() -> UInt64 {
      let pages = datacenter.hosts.reduce(0) { total, host in
        host.domains.reduce(total) { $0 + ($1.memory?.residentPages ?? 0) }
      }
      return UInt64(pages) * UInt64(GuestMemory.pageSize)
    }

    // MARK: Starting

    func startable() -> Bool {
      let busy = Set(plans.values.map(\.guest))
      return guests.indices.contains { !busy.contains($0) }
    }

    /// Starts a migration of a guest that is not migrating; false when none is free.
    mutating func startOne() -> Bool {
      let busy = Set(plans.values.map(\.guest))
      var free = guests.indices.filter { !busy.contains($0) }
      guard !free.isEmpty else { return false }
      // Guests the pre-checks refuse (a PCIe device, a volume missing on the target) are
      // tried now and then, not as often as those that move.
      let movable = free.filter { guests[$0].refusals == 0 }
      if !movable.isEmpty, random.next(below: 4) != 0 { free = movable }
      var guestIndex = free[random.next(below: free.count)]
      var duplicate = false
      var wrongPassword = false
      switch random.next(below: 40) {
      case 0:
        // A second migration of a domain that is already migrating: refused, and it must not
        // disturb the first.
        if let first = plans.values.first {
          guestIndex = first.guest
          duplicate = true
        }
      case 1:
        wrongPassword = true
      default:
        break
      }
      let guest = guests[guestIndex]
      let targetName = duplicate ? guest.name : chooseName(for: guest)
      let request = MigrationRequest(
        sourceHost: hostNames[guest.host], domain: guest.name,
        targetHost: hostNames[1 - guest.host],
        password: password(on: 1 - guest.host) + (wrongPassword ? "-wrong" : ""),
        targetName: targetName)
      let codec = CompressionCodec.allCases[
        codecRandom.next(below: CompressionCodec.allCases.count)]
      datacenter.settings.compression = codec
      let channels = options.channels ?? 1 + channelRandom.next(below: Self.drawnChannels)
      datacenter.settings.channels = channels
      let xbzrle = xbzrleRandom.next(below: 2) == 0
      datacenter.settings.xbzrle = xbzrle
      let id: MigrationID
      do {
        id = try datacenter.startMigration(request)
      } catch {
        violation("migration of \(guest.name) could not start: \(error)")
        return false
      }
      report.started += 1
      report.byCodec[codec.rawValue, default: 0] += 1
      report.byChannels[String(channels), default: 0] += 1
      if xbzrle { report.withXBZRLE += 1 }
      var plan = Plan(
        id: id, guest: guestIndex, sourceHost: guest.host, sourceName: guest.name,
        targetName: targetName, sourceState: guest.state,
        disruption: duplicate ? .none : chooseDisruption(), wrongPassword: wrongPassword)
      plan.codec = codec
      plan.channels = channels
      plan.xbzrle = xbzrle
      if duplicate {
        // Tracked apart: its guest belongs to the first plan.
        duplicates.append(plan)
      } else {
        plans[id] = plan
      }
      return true
    }

    /// Refused second migrations of a busy guest, followed until they end.
    var duplicates: [Plan] = []

    func password(on host: Int) -> String {
      options.scenario.hosts[host].users["root"] ?? ""
    }

    /// Usually the same name; often back to the home name; sometimes another from the pool.
    mutating func chooseName(for guest: Guest) -> String {
      if guest.name != guest.original, random.next(below: 3) != 0 { return guest.original }
      guard random.next(below: 4) == 0 else { return guest.name }
      let others = guest.pool.filter { $0 != guest.name }
      return others[random.next(below: others.count)]
    }

    mutating func chooseDisruption() -> Disruption {
      // Most migrations take one to a few simulated seconds: disruptions land in every phase.
      let soon = datacenter.now + random.nextUnit() * 2.5
      switch random.next(below: 20) {
      case 0..<12:
        return .none
      case 12..<16:
        return .cancel(at: soon)
      case 16..<18:
        let fault = Self.faults[random.next(below: Self.faults.count)]
        return .fault(fault, aimed: random.next(below: 2) == 0, at: soon)
      default:
        // Armed for the end of a phase: it fires on whichever migration finishes it first.
        // At most two wait at a time, so faults armed for phases that refused migrations
        // never reach cannot pile up.
        if datacenter.snapshot().armedFaults.count < 2 {
          let fault = Self.faults[random.next(below: Self.faults.count)]
          let phase = Phase(rawValue: 1 + random.next(below: 4))!
          do {
            try datacenter.inject(fault, when: .afterPhase(phase))
          } catch {
            violation("fault \(fault) after phase \(phase.rawValue) was refused: \(error)")
          }
        }
        return .none
      }
    }

    // MARK: Disrupting

    /// Cancels and faults whose time has come, while their migration still runs.
    mutating func disrupt() {
      for (id, plan) in plans {
        guard let migration = datacenter.migration(id), !migration.isFinished else { continue }
        // Pre-copy ends after its maximum passes, so a migration cannot run for an hour of
        // simulated time; one that does is stuck, and is cancelled so the soak goes on.
        if datacenter.now - migration.startTime > Self.stuckAfter, !migration.isHandingOff {
          violation("migration \(id) of \(plan.sourceName) is stuck in phase \(migration.phase)")
          _ = try? datacenter.cancelMigration(of: plan.sourceName, on: hostNames[plan.sourceHost])
          continue
        }
        switch plan.disruption {
        case .none:
          continue
        case .cancel(let due) where due <= datacenter.now:
          plans[id]?.disruption = .none
          // Hand-off cannot be cancelled: ldm refuses, and so must the engine.
          let handingOff = migration.isHandingOff
          do {
            try datacenter.cancelMigration(of: plan.sourceName, on: hostNames[plan.sourceHost])
            if handingOff { violation("migration \(id) was cancelled during hand-off") }
          } catch {
            if !handingOff { violation("cancel of migration \(id) was refused: \(error)") }
          }
        case .fault(let fault, let aimed, let due) where due <= datacenter.now:
          plans[id]?.disruption = .none
          do {
            try datacenter.inject(
              fault, aim: aimed ? .migration(domain: plan.sourceName) : .link, when: .now)
          } catch {
            violation("fault \(fault) was refused with migration \(id) running: \(error)")
          }
        case .cancel, .fault:
          continue
        }
      }
    }

    /// A link failure during hand-off leaves the source suspended with the error flag;
    /// `cancel-operation` settles it, as an operator would: the target is asked whether the
    /// domain resumed there, and the soak waits for the answer.
    mutating func clearErrorFlags() {
      for (index, host) in datacenter.hosts.prefix(2).enumerated() {
        for domain in host.domains where domain.migrationRole == .error {
          do {
            let result = try datacenter.cancelMigration(of: domain.name, on: hostNames[index])
            guard case .recovering(let query) = result else {
              violation("cancel-operation of \(domain.name) with the error flag did not recover")
              continue
            }
            datacenter.advance(until: { query.isFinished }, limit: 60)
            guard let recovery = query.result else {
              violation("the recovery of \(domain.name) did not end within 60 s")
              continue
            }
            if recovery == .restoredUnconfirmed {
              violation("the target could not be asked about \(domain.name)")
            }
            tally.recovered[domain.name] = recovery
            report.errorsCleared += 1
          } catch {
            violation("the error flag of \(domain.name) could not be cleared: \(error)")
          }
        }
      }
    }

    // MARK: Checking

    /// Classifies and checks every migration that ended in the last step.
    mutating func collectFinished() {
      for (id, plan) in plans {
        guard let migration = datacenter.migration(id) else {
          violation("migration \(id) disappeared before the soak saw it end")
          plans[id] = nil
          continue
        }
        guard let outcome = migration.outcome else { continue }
        plans[id] = nil
        check(migration, outcome, plan, faulted: tally.faulted.remove(id) != nil)
      }
      for (index, plan) in duplicates.enumerated().reversed() {
        guard let migration = datacenter.migration(plan.id) else {
          violation("migration \(plan.id) disappeared before the soak saw it end")
          duplicates.remove(at: index)
          continue
        }
        guard let outcome = migration.outcome else { continue }
        duplicates.remove(at: index)
        let faulted = tally.faulted.remove(plan.id) != nil
        switch outcome {
        case .failed(.preCheck, _):
          report.refusedByPreCheck += 1
        case .failed where faulted:
          report.failedByFault += 1
        default:
          violation(
            "second migration \(plan.id) of busy \(plan.sourceName) was not refused: \(outcome)")
        }
      }
    }

    mutating func check(
      _ migration: SourceSide, _ outcome: MigrationOutcome, _ plan: Plan, faulted: Bool
    ) {
      var outcome = outcome
      if case .failed(_, errorFlag: true) = outcome,
        tally.recovered.removeValue(forKey: plan.sourceName) == .completedOnTarget
      {
        // The acknowledgement was lost, not the hand-off: the domain moved after all.
        outcome = .completed
      }
      let source = datacenter.hosts[plan.sourceHost]
      let target = datacenter.hosts[1 - plan.sourceHost]
      let label = "migration \(plan.id) of \(plan.sourceName) to \(target.name):\(plan.targetName)"
      if plan.wrongPassword, outcome == .completed {
        violation("\(label) completed with a wrong password")
      }
      switch outcome {
      case .completed:
        report.completed += 1
        if plan.targetName != plan.sourceName { report.renamed += 1 }
        let live = plan.sourceState == .active
        if live, migration.statistics.sourceDigest == nil, migration.outcome == .completed {
          violation("\(label) completed without comparing memory digests")
        }
        if migration.outcome == .completed,
          migration.statistics.sourceDigest != migration.statistics.targetDigest
        {
          violation("\(label) completed with different memory digests")
        }
        if source.domain(named: plan.sourceName) != nil {
          violation("\(label) completed but the source still holds the domain")
        }
        // A live migration's pages went in the codec its source offered (the hello agreed).
        if live, migration.outcome == .completed,
          migration.statistics.compression?.codec ?? .none != plan.codec
        {
          violation("\(label) offered \(plan.codec) but sent its pages otherwise")
        }
        // Its pages went on the channels it asked for (the destination grants up to 16).
        if live, migration.outcome == .completed,
          migration.statistics.channels?.count ?? 1 != plan.channels
        {
          violation("\(label) asked for \(plan.channels) channels but sent on others")
        }
        // A live migration that asked for XBZRLE had it agreed (the destination knows it).
        if live, migration.outcome == .completed,
          (migration.statistics.xbzrle != nil) != plan.xbzrle
        {
          violation("\(label) asked for XBZRLE \(plan.xbzrle) but the hello said otherwise")
        }
        if let domain = target.domain(named: plan.targetName) {
          if domain.state != plan.sourceState || domain.migrationRole != nil {
            violation(
              "\(label) completed but the target has it \(domain.state.rawValue) \(domain.flags)")
          }
        } else {
          violation("\(label) completed but the target has no such domain")
        }
        guests[plan.guest].host = 1 - plan.sourceHost
        guests[plan.guest].name = plan.targetName
      case .cancelled, .failed:
        if case .failed(let failure, _) = outcome {
          if case .preCheck = failure {
            report.refusedByPreCheck += 1
            if !plan.wrongPassword { guests[plan.guest].refusals += 1 }
          } else if faulted {
            report.failedByFault += 1
          } else {
            report.failedOther += 1
            note("\(label) failed in phase \(migration.phase.rawValue): \(failure)")
          }
          // A digest mismatch is memory lost in transfer, whatever else happened.
          if case .digestMismatch = failure { violation("\(label): \(failure)") }
        } else {
          report.cancelled += 1
        }
        if let domain = source.domain(named: plan.sourceName) {
          if domain.state != plan.sourceState || domain.migrationRole != nil
            || domain.throttle != 0
          {
            violation(
              "\(label) ended (\(outcome)) but left the source \(domain.state.rawValue)"
                + " \(domain.flags), throttle \(domain.throttle)")
          }
        } else {
          violation("\(label) ended (\(outcome)) and the source lost the domain")
        }
        if target.domain(named: plan.targetName) != nil {
          violation("\(label) ended (\(outcome)) but the target still holds \(plan.targetName)")
        }
      }
    }

    /// The invariants that hold between any two steps.
    mutating func checkWorld() {
      for problem in datacenter.accountingProblems() { violation("accounting: \(problem)") }
      if !datacenter.managers.contains(where: \.isBusy), !datacenter.link.isBusy,
        case let held = datacenter.link.held, held.connections > 0
      {
        violation("nothing migrates, but \(held.connections) connections are still open")
      }
      for side in datacenter.finished where !side.holdsNothing {
        violation("\(side.id) ended but still holds what it had for sending")
      }
      for (index, host) in datacenter.hosts.prefix(2).enumerated() {
        var residents: [String] = []
        let manager = datacenter.managers[index]
        for half in manager.incoming where half.holdsTarget {
          // A half outlives its migration only until the destination notices the end.
          let source = half.migration.flatMap { datacenter.migration($0) }
          if let source, source.isFinished,
            datacenter.now - source.startTime - source.statistics.elapsed
              > MigrationTiming.peerTimeout + 1
          {
            violation("\(host.name) still holds \(half.targetName ?? "?") of ended \(source.id)")
          }
        }
        for domain in host.domains where !domain.isControl {
          if domain.migrationRole == .target {
            let owned = manager.incoming.contains {
              $0.targetName == domain.name && $0.holdsTarget
            }
            if !owned { violation("\(host.name) holds a half-made target \(domain.name)") }
          } else if manager.incoming.contains(where: {
            $0.targetName == domain.name && $0.hasResumed
              && $0.migration.flatMap { datacenter.migration($0) }?.isFinished == false
          }) {
            // It resumed here and the source still holds it, suspended, until the answer
            // reaches it half a round trip later: the guest moves when the source hears.
          } else {
            residents.append(domain.name)
          }
        }
        let expected = guests.filter { $0.host == index }.map(\.name)
        if residents.sorted() != expected.sorted() {
          let lost = Set(expected).subtracting(residents).sorted()
          let extra = residents.sorted().filter { name in
            residents.filter { $0 == name }.count > expected.filter { $0 == name }.count
          }
          violation(
            "\(host.name): domains lost \(lost), duplicated or unexpected \(Set(extra).sorted())")
        }
      }
    }

    mutating func violation(_ text: String) {
      report.violationCount += 1
      if report.violations.count < 50 {
        let line = "step \(step), t=\(Units.formatDuration(datacenter.now)): \(text)"
        report.violations.append(line)
        options.violationFound?(line)
      }
    }

    mutating func note(_ text: String) {
      if report.notes.count < 20 { report.notes.append(text) }
    }
  }
}
