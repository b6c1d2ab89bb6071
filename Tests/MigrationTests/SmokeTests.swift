import Hypervisor
import Migration
import Testing

@Suite struct SmokeTests {
  @Test func migratesLdom01WithRename() throws {
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin())
    let id = try datacenter.startMigration(
      MigrationRequest(
        sourceHost: "sparc-t4-a", domain: "ldom01", targetHost: "sparc-t4-b", password: "secret",
        targetName: "ldom_other"))
    #expect(datacenter.advance(until: { datacenter.migration(id)?.isFinished == true }))
    #expect(datacenter.migration(id)?.outcome == .completed)
    #expect(datacenter.host(named: "sparc-t4-b")?.domain(named: "ldom_other")?.state == .active)
    #expect(datacenter.host(named: "sparc-t4-a")?.domain(named: "ldom01") == nil)
    #expect(datacenter.accountingProblems() == [])
  }
}
