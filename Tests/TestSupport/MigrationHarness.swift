import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration

/// Builds datacenters and drives migrations for tests.
public enum MigrationHarness {
  /// The built-in scenario's datacenter.
  public static func builtin(populateMemory: Bool = true, settings: EngineSettings? = nil)
    throws -> Datacenter
  {
    try Datacenter(
      scenario: ScenarioLoader.builtin(), settings: settings, populateMemory: populateMemory)
  }

  /// A datacenter from a shipped scenario file, optionally edited (`replacing` pairs).
  public static func scenario(
    _ name: String, replacing edits: [(String, String)] = [], populateMemory: Bool = true
  ) throws -> Datacenter {
    var text = try Fixtures.text("Scenarios/\(name).yaml")
    for (old, new) in edits {
      guard text.contains(old) else { throw HarnessError("'\(old)' is not in \(name).yaml") }
      text = text.replacingOccurrences(of: old, with: new)
    }
    return try Datacenter(
      scenario: ScenarioLoader.load(text: text, file: "\(name).yaml"),
      populateMemory: populateMemory)
  }

  public static func request(
    _ domain: String, from source: String = "sparc-t4-a", to target: String = "sparc-t4-b",
    as name: String? = nil, password: String = "secret", dryRun: Bool = false, force: Bool = false
  ) -> MigrationRequest {
    MigrationRequest(
      sourceHost: source, domain: domain, targetHost: target, password: password,
      targetName: name, dryRun: dryRun, force: force)
  }

  /// Advances in small steps until the migration reaches `phase` (or ends); returns whether
  /// it is in that phase.
  @discardableResult
  public static func advance(
    _ datacenter: Datacenter, _ id: MigrationID, to phase: Phase, step: Double = 0.002
  ) -> Bool {
    while let migration = datacenter.migration(id), !migration.isFinished,
      migration.phase < phase
    {
      datacenter.advance(by: step)
    }
    guard let migration = datacenter.migration(id) else { return false }
    return !migration.isFinished && migration.phase == phase
  }

  /// Starts ldom01 on `datacenter` to pass 1 and puts `frame` on the wire in the source's
  /// place; returns the migration and the target host as it was before it began.
  public static func inject(_ frame: [UInt8], into datacenter: Datacenter) throws -> (
    MigrationID, HostSnapshot
  ) {
    guard let target = datacenter.host(named: "sparc-t4-b") else {
      throw HarnessError("no host sparc-t4-b")
    }
    let before = target.snapshot()
    let id = try datacenter.startMigration(request("ldom01"))
    guard advance(datacenter, id, to: .stateTransfer, step: 0.001),
      let channel = datacenter.migration(id)?.channel
    else {
      throw HarnessError("ldom01 never reached phase 3 with its connection open")
    }
    channel.send(frame, at: datacenter.now)
    return (id, before)
  }

  /// What ``migrateImaging(_:_:as:)`` saw.
  public struct ImagedMigration {
    public let migration: SourceSide
    /// The destination's half, as it was at the suspension.
    public let half: DestinationSide?
    /// The source domain's memory at the suspension; nil when it was never reached.
    public let atSuspension: MemoryImage?
    /// The target domain's memory at the end; nil when the target has no such domain.
    public let target: MemoryImage?

    /// Whether the migration completed with the target's memory exactly the source's at
    /// the suspension, and matching digests.
    public var deliveredAsAtSuspension: Bool {
      migration.outcome == .completed && atSuspension != nil && target == atSuspension
        && migration.statistics.sourceDigest != nil
        && migration.statistics.sourceDigest == migration.statistics.targetDigest
    }
  }

  /// Migrates `domain` from sparc-t4-a to sparc-t4-b as `name` to its end, taking an image of
  /// the source's memory when it is suspended and of the target's at the end.
  public static func migrateImaging(_ datacenter: Datacenter, _ domain: String, as name: String)
    throws -> ImagedMigration
  {
    let id = try datacenter.startMigration(request(domain, as: name))
    let suspended = advance(datacenter, id, to: .suspension, step: 0.001)
    let source = datacenter.host(named: "sparc-t4-a")?.domain(named: domain)
    let atSuspension = suspended ? source?.memory.map(MemoryImage.init) : nil
    let half = datacenter.manager(named: "sparc-t4-b")?.incoming.first
    _ = finish(datacenter, id)
    guard let migration = datacenter.migration(id) else {
      throw HarnessError("migration \(id) is gone")
    }
    let target = datacenter.host(named: "sparc-t4-b")?.domain(named: name)?.memory
    return ImagedMigration(
      migration: migration, half: half, atSuspension: atSuspension,
      target: target.map(MemoryImage.init))
  }

  /// Runs a dry run (`ldm migrate -n`) to its end; returns every check's verdict.
  public static func dryRun(_ datacenter: Datacenter, _ request: MigrationRequest) throws
    -> [PreCheckResult]
  {
    var request = request
    request.dryRun = true
    let id = try datacenter.startMigration(request)
    datacenter.advance(until: { datacenter.migration(id)?.isFinished != false }, limit: 60)
    return datacenter.migration(id)?.checkResults ?? []
  }

  /// Lets time pass until nothing waits on it any more (halves torn down, recoveries
  /// answered), at most `limit` seconds.
  public static func settle(_ datacenter: Datacenter, limit: Double = 60) {
    datacenter.advance(until: { datacenter.isIdle }, limit: limit)
  }

  /// What ldm prints for an outcome.
  public static func lines(_ outcome: MigrationOutcome?, domain: String) -> [String] {
    outcome.map { MigrationText.lines($0, domain: domain) } ?? []
  }

  /// Runs the migration to its end; returns its outcome.
  @discardableResult
  public static func finish(_ datacenter: Datacenter, _ id: MigrationID, limit: Double = 3_600)
    -> MigrationOutcome?
  {
    datacenter.advance(until: { datacenter.migration(id)?.isFinished != false }, limit: limit)
    return datacenter.migration(id)?.outcome
  }

  /// The `ldm list` row values that matter for a phase: state, flags, console.
  public static func row(_ datacenter: Datacenter, _ host: String, _ domain: String) -> String? {
    guard let snapshot = datacenter.host(named: host)?.domain(named: domain)?.snapshot() else {
      return nil
    }
    return "\(snapshot.state.rawValue) \(snapshot.flags) \(snapshot.console)"
  }
}

/// A copy of a domain's memory contents, page by page, taken independently of the engine.
public struct MemoryImage: Equatable {
  public var pageCount: Int
  /// Non-zero pages only; a missing page is all zeros.
  public var pages: [Int: Data]

  public init(_ memory: GuestMemory) {
    pageCount = memory.pageCount
    pages = [:]
    // Test code is built without optimisation: the zero test and the copy must be the
    // engine's optimised ones, or a gigabyte takes minutes.
    for page in 0..<memory.pageCount {
      guard let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) else {
        continue
      }
      // Data compares with memcmp.
      pages[page] = Data(bytes: bytes, count: GuestMemory.pageSize)
    }
  }
}

public struct HarnessError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
