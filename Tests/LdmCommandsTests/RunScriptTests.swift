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
    ("sleep 3parsecs", "s.txt:1: sleep: " + delay + ", not '3parsecs'"),
    // Bounded as the scenario's durations are: no clock holds more.
    ("sleep 1000001h", "s.txt:1: sleep: " + delay + ", not '1000001h'"),
    ("sleep -1s", "s.txt:1: sleep: " + delay + ", not '-1s'"),
    ("sleep 3s &", "s.txt:1: & applies to commands, not to sleep"),
    ("sparc-t4-a# sleep 3s", "s.txt:1: sleep is a script directive; remove the host prompt"),
    ("wait now", "s.txt:1: wait takes no arguments"),
    ("fault", "s.txt:1: " + faultUsage),
    (
      "fault meteor",
      "s.txt:1: unknown fault meteor (expected link-down, target-oom, target-crash or slow-link)"
    ),
    ("fault slow-link", "s.txt:1: fault slow-link needs a rate, e.g. fault slow-link 10Mbit/s"),
    ("fault slow-link fast", "s.txt:1: slow-link: " + rate + ", not 'fast'"),
    ("fault slow-link unlimited", "s.txt:1: slow-link: " + rate + ", not 'unlimited'"),
    ("fault slow-link 2Tbit/s", "s.txt:1: slow-link: " + rate + ", not '2Tbit/s'"),
    ("fault slow-link 0.5kbit/s", "s.txt:1: slow-link: " + rate + ", not '0.5kbit/s'"),
    ("fault link-down after 1000001h", "s.txt:1: after: " + delay + ", not '1000001h'"),
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
  static let delay = "expected a duration from 0 to 1000000h (e.g. 500ms, 3s, 2m)"
  static let rate = "expected a bandwidth from 1kbit/s to 1Tbit/s (e.g. 10Mbit/s)"

  @Test(arguments: bad)
  func refusesBadLinesWithTheirNumber(text: String, expected: String) {
    do {
      _ = try RunScript.parse(text, file: "s.txt", hosts: Self.hosts)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description == expected)
    }
  }

  /// A script saved on Windows (CRLF, often a byte-order mark) or with old Mac line ends (CR)
  /// is the same script; before, a CRLF script was one long command line and no error.
  @Test(arguments: [("CRLF", "\r\n", ""), ("CRLF and BOM", "\r\n", "\u{FEFF}"), ("CR", "\r", "")])
  func lineEndsAndByteOrderMarkDoNotChangeTheScript(kind: String, end: String, mark: String)
    throws
  {
    let lines = [
      "# walkthrough", "sparc-t4-b# ldm list", "ldm migrate -p root.pw ldom01 sparc-t4-b &",
      "sleep 2s", "", "wait",
    ]
    let unix = try RunScript.parse(lines.joined(separator: "\n"), file: "s.txt", hosts: Self.hosts)
    let other = try RunScript.parse(
      mark + lines.joined(separator: end) + end, file: "s.txt", hosts: Self.hosts)
    #expect(other == unix, "\(kind)")
    #expect(unix.steps.map(\.line) == [2, 3, 4, 6])
  }

  /// A bad line of a CRLF script is named by its own number, and its text carries no CR.
  @Test func errorsOfACRLFScriptNameTheirLine() {
    let text = "\u{FEFF}ldm list\r\nsleep 2s\r\nfly away\r\n"
    do {
      _ = try RunScript.parse(text, file: "s.txt", hosts: Self.hosts)
      Issue.record("accepted")
    } catch {
      #expect(
        error.description
          == "s.txt:3: unknown directive fly (expected ldm, psrinfo, prtconf, sleep, wait or fault)"
      )
    }
  }

  /// Control characters a script holds are escaped in its error, which stays one line and
  /// cannot move the terminal's cursor.
  @Test func errorsStayOneLineWhateverTheScriptHolds() {
    do {
      _ = try RunScript.parse("fl\u{1b}[2Jy\u{0B}now", file: "s.txt", hosts: Self.hosts)
      Issue.record("accepted")
    } catch {
      #expect(
        error.description
          == "s.txt:1: unknown directive fl\\u{1b}[2Jy\\u{b}now"
          + " (expected ldm, psrinfo, prtconf, sleep, wait or fault)")
    }
  }
}
