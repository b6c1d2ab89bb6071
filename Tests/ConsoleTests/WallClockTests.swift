import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// The console attached to daemons (`--connect`): real time, so the simulation's controls are
/// shown as unavailable and refused aloud; a lost daemon is said on its host's pane while the
/// rest of the screen goes on.
@Suite("Console: attached to daemons, on the wall clock")
struct WallClockTests {
  /// The built-in datacenter as two daemons would show it: wall-clock time, Unix seconds.
  private func attached(unreachable: [String: String] = [:], width: Int = 160) throws
    -> ConsoleState
  {
    var snapshot = try AppFixtures.datacenter().snapshot()
    snapshot.time = 1_796_140_800  // 2026-12-01 16:00:00 UTC
    let live = LiveSnapshot(
      datacenter: snapshot, speed: 1, isPaused: false, isStepping: false, events: [],
      clock: .wallClock, unreachable: unreachable)
    return ConsoleState(live: live, width: width, height: 30, themeNames: ["default"])
  }

  private func rows(_ state: ConsoleState) -> [String] {
    ConsoleApp.view(state).rendered().split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
  }

  @Test func theFooterOffersOnlyWhatAppliesAndShowsTheTimeOfDay() throws {
    let state = try attached()
    let footer = try #require(rows(state).last)
    #expect(footer.contains("m migrate"), "\(footer)")
    #expect(footer.contains(": ldm"), "\(footer)")
    for gone in ["f fault", "+/- speed", "space pause", "n step"] {
      #expect(!footer.contains(gone), "\(footer)")
    }
    #expect(footer.contains("wall clock"), "\(footer)")
    #expect(!footer.contains("×1"), "\(footer)")
  }

  @Test(arguments: ["+", "-", " ", "n", "f"])
  func simulationKeysAreRefusedAloud(key: String) throws {
    var state = try attached()
    let character = try #require(key.first)
    let commands = AppFixtures.send(.key(.character(character)), to: &state)
    #expect(commands.isEmpty, "\(commands)")
    #expect(state.dialog == nil)
    let message = try #require(state.statusMessage?.text)
    #expect(message.contains("wall clock") || message.contains("simulation"), "\(message)")
    #expect(rows(state).last?.contains(String(message.prefix(30))) == true)
  }

  @Test func theSameKeysStillWorkInTheSimulation() throws {
    var state = AppFixtures.state(try AppFixtures.datacenter())
    #expect(AppFixtures.send(.key(.character(" ")), to: &state) == [.engine(.setPaused(true))])
    AppFixtures.send(.key(.character("f")), to: &state)
    #expect(state.dialog != nil)
  }

  @Test func aLostDaemonIsSaidOnItsHostsPaneAndTheOtherHostGoesOn() throws {
    let state = try attached(unreachable: [
      "sparc-t4-b": "ldmd unreachable, reconnecting: connection refused"
    ])
    let screen = rows(state)
    let top = try #require(screen.first)
    #expect(top.contains("sparc-t4-b · ldmd unreachable, reconnecting: connection refused"))
    // The reachable host keeps its usual title, and both tables stay on screen.
    #expect(top.contains("sparc-t4-a · SPARC-T4 2548 MHz"), "\(top)")
    #expect(screen.contains { $0.contains("ldom01") })
    #expect(screen.contains { $0.contains("primary") })
  }

  @Test func aLongReasonIsShortenedToThePane() throws {
    let reason =
      "ldmd unreachable, reconnecting: " + String(repeating: "very long reason ", count: 8)
    let state = try attached(unreachable: ["sparc-t4-b": reason], width: 120)
    let top = try #require(rows(state).first)
    #expect(top.contains("sparc-t4-b · ldmd unreachable, reconnecting: very long"), "\(top)")
    #expect(top.contains("…"), "\(top)")
    #expect(DisplayWidth.of(top) == 120)
  }

  @Test func twoDaemonsViewsMergeIntoOneDatacenter() throws {
    let datacenter = try AppFixtures.migrating(until: { $0.phase == .stateTransfer })
    let whole = datacenter.snapshot()
    // What each daemon would publish: its own host, and its side of the migration.
    var a = whole
    a.hosts = whole.hosts.filter { $0.name == "sparc-t4-a" }
    a.incoming = []
    var b = whole
    b.hosts = whole.hosts.filter { $0.name == "sparc-t4-b" }
    b.migrations = []
    b.time = whole.time + 0.5
    let merged = DatacenterSnapshot.merged(
      ["sparc-t4-a": a, "sparc-t4-b": b], order: ["sparc-t4-a", "sparc-t4-b"])
    #expect(merged.hosts.map(\.name) == ["sparc-t4-a", "sparc-t4-b"])
    #expect(merged.migrations == whole.migrations)
    #expect(merged.incoming == whole.incoming)
    #expect(merged.time == whole.time + 0.5)
    // A host not heard from yet is there by name, empty, so that its pane can say why.
    let half = DatacenterSnapshot.merged(["sparc-t4-a": a], order: ["sparc-t4-a", "sparc-t4-b"])
    #expect(half.hosts.map(\.name) == ["sparc-t4-a", "sparc-t4-b"])
    #expect(half.hosts[1].domains.isEmpty)
  }
}
