import Hypervisor

/// `ldm cancel-operation migration` on a source left with the error flag: before the source
/// runs again, it asks the target whether the domain resumed there after all (the
/// acknowledgement, not the hand-off, may be what was lost). Resumed there: the source's copy
/// is destroyed. Absent there, or the target cannot be asked: the source is restored, as ldm
/// documents.
public final class RecoveryQuery {
  public let domainName: String
  public let sourceHostName: String
  public let targetHostName: String
  public internal(set) var result: Recovery?
  public var isFinished: Bool { result != nil }

  let host: Host
  let targetName: String
  let token: UInt64?
  var channel: MigrationChannel?
  var clock: Double
  let startedAt: Double
  var greeted = false
  let emit: (MigrationEvent) -> Void

  public init(
    domain: String, on host: Host, target: String, targetName: String, token: UInt64?,
    channel: MigrationChannel?, now: Double, emit: @escaping (MigrationEvent) -> Void
  ) {
    domainName = domain
    sourceHostName = host.name
    targetHostName = target
    self.host = host
    self.targetName = targetName
    self.token = token
    self.channel = channel
    self.emit = emit
    clock = now
    startedAt = now
    guard let channel, token != nil else {
      settle(.restoredUnconfirmed)
      return
    }
    channel.send(
      MessageCodec.encode(
        .hello(
          Hello(
            purpose: .recovery, sourceHost: host.name, targetHost: target, migration: 0))),
      at: now)
  }

  @discardableResult
  public func step(until now: Double) -> Bool {
    guard !isFinished, let channel else { return false }
    if let (frame, at) = channel.receive(by: now) {
      clock = max(clock, at)
      switch (greeted, try? MessageCodec.decode(frame: frame)) {
      case (false, .helloAccepted?):
        greeted = true
        channel.send(
          MessageCodec.encode(.recoveryQuery(token: token ?? 0, domain: targetName)), at: clock)
      case (true, .recoveryAnswer(let state)?):
        settle(state == .resumed ? .completedOnTarget : .restored)
      default:
        settle(.restoredUnconfirmed)
      }
      return true
    }
    let heard = channel.lastActivity(by: now) ?? startedAt
    if channel.closure != nil || heard + MigrationTiming.peerTimeout <= now {
      let noticed =
        channel.closure != nil
        ? channel.closedAt ?? clock : heard + MigrationTiming.peerTimeout
      clock = max(clock, min(now, noticed))
      settle(.restoredUnconfirmed)
      return true
    }
    return false
  }

  func settle(_ recovery: Recovery) {
    channel?.send(MessageCodec.encode(.goodbye), at: clock)
    channel?.close(at: clock)
    channel = nil
    result = recovery
    if let domain = host.domain(named: domainName), domain.migrationRole == .error {
      if recovery == .completedOnTarget {
        try? host.destroyDomain(domainName)
      } else {
        domain.setMigrationRole(nil)
        domain.setSuspended(false)
        domain.setThrottle(0)
      }
    }
    emit(
      MigrationEvent(
        time: clock, host: sourceHostName, domain: domainName, detail: .errorCleared(recovery)))
  }
}
