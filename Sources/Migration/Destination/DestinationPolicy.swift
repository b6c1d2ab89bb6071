import DequeModule

/// What the destinations of one manager share: the pace of failed logins per calling host,
/// and the tokens of halves that resumed, for recovery queries.
public final class DestinationPolicy {
  var failures: [String: Int] = [:]
  var resumedTokens: [UInt64: String] = [:]
  /// The same tokens in the order they resumed: the oldest is forgotten first.
  var resumedOrder: Deque<UInt64> = []
  /// Resumed halves remembered for recovery queries.
  static let rememberedResumes = 1024
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

  /// Tokens are spread over all 64 bits, so "the smallest" is no age: forgetting it made the
  /// kept ones ever larger until each new resume was the smallest and forgotten at once, and a
  /// source asking after a link loss was told its domain never resumed here when it had
  /// (a 10000-migration soak ran its guest on both hosts after 1024 resumes on one of them).
  func resumed(_ token: UInt64, _ name: String) {
    if resumedTokens.updateValue(name, forKey: token) == nil { resumedOrder.append(token) }
    while resumedOrder.count > Self.rememberedResumes, let oldest = resumedOrder.popFirst() {
      resumedTokens[oldest] = nil
    }
  }

  func recovery(_ token: UInt64, _ domain: String) -> RecoveryState {
    guard let name = resumedTokens[token], name == domain, hostHasDomain(name) else {
      return .absent
    }
    return .resumed
  }
}
