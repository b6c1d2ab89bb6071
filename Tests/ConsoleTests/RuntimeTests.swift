import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// The console's running loop, the one the program runs, on a scripted terminal: keys in,
/// frames out, against the engine's own logic stepped per turn or the engine thread itself.
@Suite("Console runtime: the loop on a test backend")
struct RuntimeTests {
  /// A stepped engine answers in the turn that asks, so the loop need not sleep.
  static var quick: ConsoleRuntime.Options {
    ConsoleRuntime.Options(themeNames: ["default", "mono"], keyTimeout: .milliseconds(1))
  }

  @Test func aKeyScriptMigratesThroughTheFormAndSeesTheBar() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let backend = TestBackend(
      script: [
        .waitFor(" m migrate"),
        .key(.down), .type("m"), .waitFor("Target Password:"),
        .key(.tab), .type("secret"), .waitFor("Target Password: ******"), .key(.enter),
        .waitUntil("ldom01 -n---s with its bar under it") { screen in
          let lines = screen.split(separator: "\n")
          guard let row = lines.firstIndex(where: { $0.hasPrefix("│ldom01 ") }) else {
            return false
          }
          return lines[row].contains("-n---s") && lines[row + 1].contains("▕")
            && lines[row + 1].contains("%")
        },
        .waitFor("-----t"),
        .type("q"), .waitFor("Quit anyway? (y/n)"), .type("y"),
      ], waitLimit: .seconds(120))
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: Self.quick)
    let status = runtime.run()
    #expect(backend.failures.isEmpty, "\(backend.failures)")
    #expect(status == 0)
    let migrates = engine.sent.filter {
      if case .migrate(let request, _) = $0 {
        return request.domain == "ldom01" && request.targetName == "ldom01"
      }
      return false
    }
    #expect(migrates.count == 1)
    #expect(!backend.frames.contains { $0.contains("secret") })
  }

  @Test func theSeedsCommandAtTheColonLineOnTheEngineThread() throws {
    let live = try LiveDatacenter(scenario: ScenarioLoader.builtin())
    defer { live.stop() }
    let backend = TestBackend(
      width: 120, height: 36,
      script: [
        .waitFor(" m migrate"),
        // ×16, so that the migration is under way quickly on the wall clock.
        .type("++++"),
        .type(":"), .waitFor("sparc-t4-a# ldm"),
        .type("migrate ldom01 root@sparc-t4-b:ldom_other"), .key(.enter),
        .waitFor("Target Password:"), .type("secret"), .waitFor("Target Password: ******"),
        .key(.enter),
        .waitFor("Migration #1 started; it runs in the background"),
        .waitUntil("ldom_other on the right, -----t or active") { screen in
          screen.split(separator: "\n").contains {
            $0.contains("││ldom_other ") || $0.contains("│ldom_other ")
          }
        },
        .type("q"),
        .waitUntil("the question, or nothing to ask") {
          $0.contains("Quit anyway?") || !$0.contains("-n---s")
        },
        .type("y"),
      ], waitLimit: .seconds(120))
    var runtime = try ConsoleRuntime(
      backend: backend, engine: live, options: ConsoleRuntime.Options(keyTimeout: .milliseconds(5)))
    let status = runtime.run()
    #expect(backend.failures.isEmpty, "\(backend.failures)")
    #expect(status == 0)
    #expect(!backend.frames.contains { $0.contains("secret") })
    #expect(!runtime.state.log.contains { $0.text.contains("secret") })
    #expect(runtime.state.commandHistory == ["ldm migrate ldom01 root@sparc-t4-b:ldom_other"])
  }

  @Test func aThemeThatFailsToLoadIsLoggedAndTheNextOneLoads() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let missing = "/nonexistent/ldm-console-theme.yaml"
    let backend = TestBackend(
      width: 200, height: 60,
      script: [
        .type("t"), .waitFor("theme \(missing) skipped: \(missing): no such file"),
        .type("t"), .waitFor("theme mono"),
        .type("q"),
      ], waitLimit: .seconds(20))
    var options = Self.quick
    options.themeNames = ["default", missing, "mono"]
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: options)
    #expect(runtime.run() == 0)
    #expect(backend.failures.isEmpty, "\(backend.failures)")
    // The failed one was never applied; the one after it was.
    #expect(backend.themes.map(\.name) == ["mono"])
    let skipped = runtime.state.log.filter { $0.message.hasPrefix("theme \(missing) skipped") }
    #expect(skipped.count == 1)
    #expect(skipped.first?.role == .logWarning)
  }

  @Test func aSignalEndsTheLoopWith128PlusItsNumber() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let backend = TestBackend(script: [.waitFor(" m migrate"), .signal(15)])
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: Self.quick)
    #expect(runtime.run() == 128 + 15)
    #expect(backend.failures.isEmpty)
  }

  @Test func aResizeRedrawsAtTheNewSizeAndTooSmallSaysSo() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let backend = TestBackend(
      script: [
        .resize(width: 79, height: 24), .waitFor("terminal too small (need 80×24, have 79×24)"),
        .resize(width: 100, height: 30), .waitFor(" m migrate"), .type("q"),
      ], waitLimit: .seconds(20))
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: Self.quick)
    #expect(runtime.run() == 0)
    #expect(backend.failures.isEmpty, "\(backend.failures)")
    let last = backend.screen.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(last.count == 30)
    #expect(last.contains { DisplayWidth.of(String($0)) == 100 })
    #expect(last.allSatisfy { DisplayWidth.of(String($0)) <= 100 })
  }

  @Test func theTourStartsWithTheFirstFrame() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let backend = TestBackend(
      width: 120, height: 36, script: [.waitFor("Demo 1/"), .type("q")],
      waitLimit: .seconds(20))
    var options = Self.quick
    options.demo = .tour
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: options)
    #expect(runtime.run() == 0)
    #expect(backend.failures.isEmpty, "\(backend.failures)")
    #expect(backend.frames.first?.contains("Demo 1/") == true)
  }

  @Test func anEngineWithoutASnapshotIsRefusedWithOneLine() {
    final class Silent: EngineConnection {
      func send(_ command: EngineCommand) {}
      func poll() -> (snapshot: LiveSnapshot?, reports: [EngineReport]) { (nil, []) }
    }
    #expect(throws: ConsoleRuntimeError.self) {
      _ = try ConsoleRuntime(backend: TestBackend(script: []), engine: Silent())
    }
  }

  @Test func aScriptThatEndsWhileTheConsoleRunsIsAFailure() throws {
    let engine = SteppedEngine(datacenter: try AppFixtures.datacenter())
    let backend = TestBackend(script: [.type("j")])
    var runtime = try ConsoleRuntime(backend: backend, engine: engine, options: Self.quick)
    #expect(runtime.run() == 128 + TestBackend.abandoned)
    #expect(backend.failures.count == 1)
    #expect(runtime.state.selectedDomain?.name == "ldom01")
  }
}
