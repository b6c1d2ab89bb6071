import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// Real datacenters driven to the moments the console must show, and the console states
/// that show them.
enum AppFixtures {
  static let rename = MigrationRequest(
    sourceHost: "sparc-t4-a", domain: "ldom01", targetHost: "sparc-t4-b", password: "secret",
    targetName: "ldom_other")

  static func datacenter(populateMemory: Bool = false) throws -> Datacenter {
    try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: populateMemory)
  }

  static func live(_ datacenter: Datacenter, speed: Double = 1, isPaused: Bool = false)
    -> LiveSnapshot
  {
    LiveSnapshot(
      datacenter: datacenter.snapshot(), speed: speed, isPaused: isPaused, isStepping: false,
      events: Array(datacenter.recentEvents.suffix(200)))
  }

  static func state(_ datacenter: Datacenter, width: Int = 80, height: Int = 24) -> ConsoleState {
    ConsoleState(
      live: live(datacenter), width: width, height: height,
      themeNames: ["default", "mono", "amber"])
  }

  /// ldom01 on its way to sparc-t4-b as ldom_other, in the given phase.
  static func migrating(
    until done: (MigrationSnapshot) -> Bool, populateMemory: Bool = false
  ) throws -> Datacenter {
    let datacenter = try datacenter(populateMemory: populateMemory)
    let id = try datacenter.startMigration(rename)
    let reached = datacenter.advance(
      until: {
        guard let migration = datacenter.migration(id)?.snapshot() else { return true }
        return done(migration) || migration.isFinished
      }, limit: 600, stoppingAtPhaseChanges: true)
    #expect(reached)
    return datacenter
  }

  /// Runs `event` through the update, returning the commands.
  @discardableResult
  static func send(_ event: ConsoleEvent, to state: inout ConsoleState) -> [ConsoleCommand] {
    ConsoleApp.update(&state, event)
  }

  /// Types each character of `text`.
  static func type(_ text: String, into state: inout ConsoleState) {
    for character in text { send(.key(.character(character)), to: &state) }
  }

  /// Moves the focused host's selection to `domain`.
  static func select(_ domain: String, in state: inout ConsoleState) {
    send(.key(.home), to: &state)
    for _ in 0..<20 where state.selectedDomain?.name != domain {
      send(.key(.down), to: &state)
    }
    #expect(state.selectedDomain?.name == domain)
  }
}

/// Compares a rendered screen with the golden file `Tests/Golden/Console/<name>` (outside the
/// test target, so SwiftPM does not take the files for resources); `UPDATE_GOLDENS=1` rewrites
/// it instead.
func expectGolden(
  _ buffer: ScreenBuffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  if let mismatch = Golden.mismatch(buffer.rendered() + "\n", file: "Console/\(name)") {
    Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
  }
}
