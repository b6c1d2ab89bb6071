import Engine
import TestSupport
import Testing

/// Starts ldom01's migration to sparc-t4-b, lets it run `delay` seconds into the state
/// transfer and cancels it; unless it had already finished or reached the hand-off, ldom01
/// runs on where it was and sparc-t4-b holds nothing of it.
func expectCancelMidPassLeavesBothHostsAsTheyWere(
  _ datacenter: Datacenter, after delay: Double,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  typealias H = MigrationHarness
  let before = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
  let id = try datacenter.startMigration(H.request("ldom01"))
  #expect(
    H.advance(datacenter, id, to: .stateTransfer, step: 0.001), sourceLocation: sourceLocation)
  datacenter.advance(by: delay)
  guard datacenter.migration(id)?.isFinished == false,
    datacenter.migration(id)?.isHandingOff == false
  else { return }
  try datacenter.cancelMigration(of: "ldom01", on: "sparc-t4-a")
  H.settle(datacenter, limit: 10)
  #expect(datacenter.migration(id)?.outcome == .cancelled, sourceLocation: sourceLocation)
  #expect(
    H.row(datacenter, "sparc-t4-a", "ldom01") == "active -n---- 5000",
    sourceLocation: sourceLocation)
  let after = try #require(datacenter.host(named: "sparc-t4-b")).snapshot()
  #expect(after.domain(named: "ldom01") == nil, sourceLocation: sourceLocation)
  #expect(after.memoryFree == before.memoryFree, sourceLocation: sourceLocation)
  #expect(datacenter.accountingProblems() == [], sourceLocation: sourceLocation)
}
