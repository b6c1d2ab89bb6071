import TestSupport
import Testing

/// A daemon's log goes with its test; under `Scripts/sanitize.sh` a sanitizer's report in it
/// must reach the test's own standard error, where the script counts reports.
struct SanitizerReportTests {
  @Test(arguments: [
    "WARNING: ThreadSanitizer: data race (pid=4242)",
    "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010",
    "==4242==ERROR: LeakSanitizer: detected memory leaks",
  ])
  func aReportInADaemonsLogIsPassedOnWhole(report: String) throws {
    let log = ["ldmd sparc-t4-a: listening on 127.0.0.1:7001 (mutual TLS 1.3)", report, "  #0 f"]
    let passed = try #require(DaemonProcess.sanitizerReport(in: log))
    #expect(passed == log.joined(separator: "\n"))
  }

  @Test func anOrdinaryLogIsNotPassedOn() {
    let log = [
      "ldmd sparc-t4-a: listening on 127.0.0.1:7001 (mutual TLS 1.3)",
      "ldmd sparc-t4-a: 10:00:00.0 ldom01 migration complete: ldom01 on sparc-t4-a is now ldom01"
        + " on sparc-t4-b, downtime 133 ms",
    ]
    #expect(DaemonProcess.sanitizerReport(in: log) == nil)
  }
}
