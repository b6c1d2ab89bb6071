/// What the destinations of one manager share: the pace of failed logins per calling host,
/// and the tokens of halves that resumed, for recovery queries.
public final class DestinationPolicy {
  var failures: [String: Int] = [:]
  var resumedTokens: [UInt64: String] = [:]
  /// Answers whether the domain of a token runs on this host.
  var hostHasDomain: (String) -> Bool

  public init(hostHasDomain: @escaping (String) -> Bool) {
    self.hostHasDomain = hostHasDomain
  }

  /// Seconds to wait before refusing a failed login from `source`.
  func failed(from source: String) -> Double {
    let count = (failures[source] ?? 0) + 1
    failures[source] = count
    let delay = MigrationTiming.authenticationDelay * Double(1 << min(count - 1, 16))
    return min(delay, MigrationTiming.authenticationDelayLimit)
  }

  func succeeded(from source: String) { failures[source] = nil }

  func resumed(_ token: UInt64, _ name: String) {
    resumedTokens[token] = name
    if resumedTokens.count > 1024 { resumedTokens.removeValue(forKey: resumedTokens.keys.min()!) }
  }

  func recovery(_ token: UInt64, _ domain: String) -> RecoveryState {
    guard let name = resumedTokens[token], name == domain, hostHasDomain(name) else {
      return .absent
    }
    return .resumed
  }
}
