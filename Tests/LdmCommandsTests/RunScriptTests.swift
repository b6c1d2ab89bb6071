import Engine
import LdmCommands
import Migration
import Testing

@Suite struct RunScriptTests {
  static let hosts = ["sparc-t4-a", "sparc-t4-b"]

  @Test func parsesEveryKindOfLine() throws {
    let text = """
      # a comment, then a blank line

      ldm list
      sparc-t4-b# ldm list -o status ldom01   # trailing comment
      sparc-t4-a#ldm migrate -p root.pw ldom01 root@sparc-t4-b&
      sleep 1.5s
      wait
      fault link-down
      fault target-oom after transfer
      fault slow-link 10Mbit/s after 2s
      fault target-crash after 4
      ldm list '#not-a-comment'
      """
    let script = try RunScript.parse(text, file: "s.txt", hosts: Self.hosts)
    let expected: [RunScript.Step] = [
      .init(line: 3, action: .command(host: "sparc-t4-a", line: "ldm list", background: false)),
      .init(
        line: 4,
        action: .command(host: "sparc-t4-b", line: "ldm list -o status ldom01", background: false)
      ),
      .init(
        line: 5,
        action: .command(
          host: "sparc-t4-a", line: "ldm migrate -p root.pw ldom01 root@sparc-t4-b",
          background: true)),
      .init(line: 6, action: .sleep(seconds: 1.5, text: "sleep 1.5s")),
      .init(line: 7, action: .wait),
      .init(line: 8, action: .fault(.linkDown, .link, .now, text: "fault link-down")),
      .init(
        line: 9,
        action: .fault(
          .targetOutOfMemory, .link, .afterPhase(.stateTransfer),
          text: "fault target-oom after transfer"
        )),
      .init(
        line: 10,
        action: .fault(
          .slowLink(bitsPerSecond: 1e7), .link, .afterDelay(2),
          text: "fault slow-link 10Mbit/s after 2s"
        )),
      .init(
        line: 11,
        action: .fault(
          .targetCrash, .link, .afterPhase(.suspension), text: "fault target-crash after 4")
      ),
      .init(
        line: 12,
        action: .command(host: "sparc-t4-a", line: "ldm list '#not-a-comment'", background: false)
      ),
    ]
    #expect(script.steps == expected)
  }

  static let bad: [(text: String, error: String)] = [
    (
      "ldm list\nfrobnicate now",
      "s.txt:2: unknown directive frobnicate (expected ldm, psrinfo, prtconf, sleep, wait or fault)"
    ),
    (
      "sparc-t4-z# ldm list",
      "s.txt:1: unknown host sparc-t4-z (the scenario has sparc-t4-a, sparc-t4-b)"
    ),
    ("sparc-t4-a#", "s.txt:1: no command after sparc-t4-a#"),
    ("sparc-t4-a# &", "s.txt:1: nothing to run in the background"),
    ("\n\nsleep", "s.txt:3: usage: sleep DURATION (e.g. sleep 3s)"),
    ("sleep 3parsecs", "s.txt:1: bad duration 3parsecs (use e.g. 500ms, 3s, 2m)"),
    ("sleep 3s &", "s.txt:1: & applies to commands, not to sleep"),
    ("sparc-t4-a# sleep 3s", "s.txt:1: sleep is a script directive; remove the host prompt"),
    ("wait now", "s.txt:1: wait takes no arguments"),
    ("fault", "s.txt:1: " + faultUsage),
    (
      "fault meteor",
      "s.txt:1: unknown fault meteor (expected link-down, target-oom, target-crash or slow-link)"
    ),
    ("fault slow-link", "s.txt:1: fault slow-link needs a rate, e.g. fault slow-link 10Mbit/s"),
    ("fault slow-link fast", "s.txt:1: bad rate fast (use e.g. 10Mbit/s, 1Gbit/s)"),
    ("fault slow-link unlimited", "s.txt:1: bad rate unlimited (use e.g. 10Mbit/s, 1Gbit/s)"),
    ("fault link-down after", "s.txt:1: " + faultUsage),
    ("fault link-down before 3", "s.txt:1: " + faultUsage),
    (
      "fault link-down after lunch",
      "s.txt:1: bad trigger lunch"
        + " (expected a phase such as 3 or transfer, or a duration such as 2s)"
    ),
  ]

  static let faultUsage =
    "usage: fault link-down|target-oom|target-crash|slow-link RATE [on DOMAIN] [after PHASE|after DURATION]"

  @Test(arguments: bad)
  func refusesBadLinesWithTheirNumber(text: String, expected: String) {
    do {
      _ = try RunScript.parse(text, file: "s.txt", hosts: Self.hosts)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description == expected)
    }
  }
}
