import Engine
import Migration

/// The `m` form: `ldm migrate-domain [-f] [-n] DOMAIN [user@]host[:name]` as fields.
///
/// The password lives only here and in the request sent to the engine: the form draws it
/// masked, and no message or log line quotes it.
public struct MigrateForm: Sendable, Equatable {
  /// The fields, in Tab order.
  public enum Field: Int, Sendable, Equatable, CaseIterable {
    case target, password, dryRun, force
  }

  /// The form's last word from the engine or from its own checks.
  public enum Outcome: Sendable, Equatable {
    /// The target text cannot be parsed; nothing was sent.
    case invalid(String)
    /// The engine refused: the lines ldm prints.
    case refused([String])
    /// A dry run's pre-check verdicts.
    case dryRun([PreCheckResult])
  }

  public var sourceHost: String
  public var domain: String
  public var target: TextInput
  public var password: TextInput
  public var dryRun = false
  public var force = false
  public var focus: Field = .target
  /// The ticket of the request in flight; further Enters wait for its answer.
  public var ticket: Int?
  public var outcome: Outcome?

  /// A form for `domain` on `sourceHost`, aimed at `targetHost` under the same name: the
  /// user edits the name after `:` to rename.
  public init(sourceHost: String, domain: String, targetHost: String) {
    self.sourceHost = sourceHost
    self.domain = domain
    target = TextInput(targetHost.isEmpty ? "" : "root@\(targetHost):\(domain)")
    password = TextInput()
  }

  /// The request the form describes, or why it cannot be made.
  public func request() -> Result<MigrationRequest, TargetSpec.Problem> {
    let spec: TargetSpec
    switch TargetSpec.parse(target.value) {
    case .success(let parsed): spec = parsed
    case .failure(let problem): return .failure(problem)
    }
    guard !password.value.isEmpty else {
      return .failure(TargetSpec.Problem("Type the target password (Target Password:)"))
    }
    return .success(
      MigrationRequest(
        sourceHost: sourceHost, domain: domain, targetHost: spec.host, user: spec.user,
        password: password.value, targetName: spec.name ?? domain, dryRun: dryRun, force: force))
  }

  mutating func moveFocus(by step: Int) {
    let count = Field.allCases.count
    focus = Field(rawValue: (focus.rawValue + step + count) % count) ?? .target
  }
}

/// `[user@]host[:name]`, the target operand of `ldm migrate-domain`.
public struct TargetSpec: Sendable, Equatable {
  /// Why a target text was refused, in one line.
  public struct Problem: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
  }

  public var user: String
  public var host: String
  /// The new name on the target, when renaming.
  public var name: String?

  /// Parses the target text; `user` defaults to `root` as it does for ldm.
  public static func parse(_ text: String) -> Result<TargetSpec, Problem> {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else { return .failure(Problem("The target host is missing")) }
    guard !trimmed.contains(where: \.isWhitespace) else {
      return .failure(Problem("The target must not contain spaces"))
    }
    var rest = Substring(trimmed)
    var user = "root"
    let ats = rest.filter { $0 == "@" }.count
    guard ats <= 1 else { return .failure(Problem("The target has more than one @")) }
    if let at = rest.firstIndex(of: "@") {
      user = String(rest[..<at])
      guard !user.isEmpty else { return .failure(Problem("The user name before @ is missing")) }
      rest = rest[rest.index(after: at)...]
    }
    var name: String?
    guard rest.filter({ $0 == ":" }).count <= 1 else {
      return .failure(Problem("The target has more than one :"))
    }
    if let colon = rest.firstIndex(of: ":") {
      let newName = String(rest[rest.index(after: colon)...])
      guard !newName.isEmpty else {
        return .failure(Problem("The domain name after : is missing"))
      }
      name = newName
      rest = rest[..<colon]
    }
    let host = String(rest)
    guard !host.isEmpty else { return .failure(Problem("The target host is missing")) }
    for (what, value) in [("user name", user), ("host name", host), ("domain name", name ?? "x")]
    where !value.allSatisfy(isNameCharacter) {
      return .failure(Problem("The \(what) \(value) has characters ldm does not accept"))
    }
    return .success(TargetSpec(user: user, host: host, name: name))
  }

  private static func isNameCharacter(_ character: Character) -> Bool {
    character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
  }
}

extension String {
  func trimmingSpaces() -> String {
    var text = Substring(self)
    while text.first?.isWhitespace == true { text = text.dropFirst() }
    while text.last?.isWhitespace == true { text = text.dropLast() }
    return String(text)
  }
}
