import Hypervisor
import Migration

/// A run-mode script (DESIGN §6): `HOST# COMMAND` lines (a bare command runs on the first
/// host), a trailing `&` for the background, `sleep DURATION`, `wait`,
/// `fault KIND [RATE] [after PHASE|after DURATION]`, `#` comments and blank lines.
public struct RunScript: Sendable, Equatable {
  public var steps: [Step]

  /// One line that does something.
  public struct Step: Sendable, Equatable {
    /// 1-based line number in the script.
    public var line: Int
    public var action: Action

    public init(line: Int, action: Action) {
      self.line = line
      self.action = action
    }
  }

  public enum Action: Sendable, Equatable {
    /// A command line on a host; `background` for a trailing `&`.
    case command(host: String, line: String, background: Bool)
    /// Lets simulated time pass.
    case sleep(seconds: Double, text: String)
    /// Waits for every background command.
    case wait
    /// Injects a fault now or arms it, at the link or at one migration.
    case fault(Fault, FaultAim, FaultTrigger, text: String)
  }

  /// A script that cannot run: `FILE:LINE: reason`, one line whatever the script held (its
  /// control characters are escaped).
  public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var reason: String
    public var description: String {
      "\(file.escapingControlCharacters):\(line): \(reason.escapingControlCharacters)"
    }
  }

  /// Parses a script; `hosts` are the scenario's host names, the first being the default.
  /// Lines end at LF, CRLF or CR, and a leading byte-order mark is dropped.
  public static func parse(_ text: String, file: String, hosts: [String]) throws(ParseError)
    -> RunScript
  {
    var steps: [Step] = []
    for (index, raw) in text.fileLines.enumerated() {
      let number = index + 1
      do {
        if let action = try parseLine(String(raw), hosts: hosts) {
          steps.append(Step(line: number, action: action))
        }
      } catch {
        throw ParseError(file: file, line: number, reason: error.message)
      }
    }
    return RunScript(steps: steps)
  }

  static func parseLine(_ raw: String, hosts: [String]) throws(LdmError) -> Action? {
    var body = stripComment(raw).trimmingWhitespace()
    guard !body.isEmpty else { return nil }
    var host = hosts.first ?? ""
    var explicitHost = false
    if let hash = body.firstIndex(of: "#"), isHostName(body[..<hash]) {
      let name = String(body[..<hash])
      guard hosts.contains(name) else {
        throw LdmError(
          "unknown host \(name) (the scenario has \(hosts.joined(separator: ", ")))")
      }
      host = name
      explicitHost = true
      body = String(body[body.index(after: hash)...]).trimmingWhitespace()
      guard !body.isEmpty else { throw LdmError("no command after \(name)#") }
    }
    var background = false
    if body.hasSuffix("&") {
      background = true
      body = String(body.dropLast()).trimmingWhitespace()
      guard !body.isEmpty else { throw LdmError("nothing to run in the background") }
    }
    let words = body.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    let first = words.first ?? ""
    if LdmCommandLine.programs.contains(first) {
      return .command(host: host, line: body, background: background)
    }
    guard ["sleep", "wait", "fault"].contains(first) else {
      throw LdmError(
        "unknown directive \(first) (expected ldm, psrinfo, prtconf, sleep, wait or fault)")
    }
    if explicitHost { throw LdmError("\(first) is a script directive; remove the host prompt") }
    if background { throw LdmError("& applies to commands, not to \(first)") }
    return try parseDirective(words, text: body)
  }

  static func parseDirective(_ words: [String], text: String) throws(LdmError) -> Action {
    switch words[0] {
    case "sleep":
      guard words.count == 2 else { throw LdmError("usage: sleep DURATION (e.g. sleep 3s)") }
      return .sleep(seconds: try bounded(Quantities.scriptDelay, words[1], "sleep"), text: text)
    case "wait":
      guard words.count == 1 else { throw LdmError("wait takes no arguments") }
      return .wait
    default:
      let (fault, aim, trigger) = try parseFault(Array(words.dropFirst()))
      return .fault(fault, aim, trigger, text: text)
    }
  }

  static let faultUsage =
    "usage: fault link-down|target-oom|target-crash|slow-link RATE [on DOMAIN]"
    + " [after PHASE|after DURATION]"

  static func parseFault(_ words: [String]) throws(LdmError) -> (Fault, FaultAim, FaultTrigger) {
    guard let kind = words.first else { throw LdmError(faultUsage) }
    var rest = words.dropFirst()
    let fault: Fault
    switch kind {
    case "link-down": fault = .linkDown
    case "target-oom": fault = .targetOutOfMemory
    case "target-crash": fault = .targetCrash
    case "slow-link":
      guard let rate = rest.first, rate != "after" else {
        throw LdmError("fault slow-link needs a rate, e.g. fault slow-link 10Mbit/s")
      }
      fault = .slowLink(bitsPerSecond: try bounded(Quantities.slowLinkRate, rate, "slow-link"))
      rest = rest.dropFirst()
    default:
      throw LdmError(
        "unknown fault \(kind) (expected link-down, target-oom, target-crash or slow-link)")
    }
    var aim = FaultAim.link
    if rest.first == "on" {
      guard rest.count >= 2, rest.dropFirst().first != "after" else {
        throw LdmError("fault … on needs the migrating domain, e.g. fault link-down on ldom01")
      }
      aim = .migration(domain: rest[rest.startIndex + 1])
      rest = rest.dropFirst(2)
    }
    guard let keyword = rest.first else { return (fault, aim, .now) }
    guard keyword == "after", rest.count == 2, let when = rest.last else {
      throw LdmError(faultUsage)
    }
    if let phase = Phase(name: when) { return (fault, aim, .afterPhase(phase)) }
    if Units.parseDuration(when) != nil {
      return (fault, aim, .afterDelay(try bounded(Quantities.scriptDelay, when, "after")))
    }
    throw LdmError(
      "bad trigger \(when) (expected a phase such as 3 or transfer, or a duration such as 2s)")
  }

  /// `text` as `quantity`, bounded as the scenario keys and the options of `run` are; the
  /// refusal is `WORD: expected …, not 'TEXT'`.
  static func bounded<Value>(_ quantity: Quantity<Value>, _ text: String, _ word: String)
    throws(LdmError) -> Value
  {
    do {
      return try quantity.value(of: text)
    } catch {
      throw LdmError("\(word): \(error.reason)")
    }
  }

  static func isHostName(_ text: Substring) -> Bool {
    !text.isEmpty
      && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
  }

  /// Drops a `#` comment: a whole-line one, or one after a blank outside quotes (`HOST#`
  /// touches its host name, so it is not a comment).
  static func stripComment(_ line: String) -> String {
    var quote: Character?
    var previous: Character = " "
    var kept = ""
    for character in line {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "#", previous == " " || previous == "\t" {
        break
      }
      kept.append(character)
      previous = character
    }
    return kept
  }
}
