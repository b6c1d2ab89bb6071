import Foundation
import Hypervisor

/// Phases 3 and 4: pre-copy passes over the link, then the final copy while suspended.
extension Migration {
  func startPass(_ number: Int, at time: Double, memory: GuestMemory) {
    if number == 1 {
      // The first pass sends everything; what the guest writes from now on is logged anew.
      memory.dirty.clearAll()
      pending = DirtyBitmap(pageCount: memory.pageCount)
      pending.setAll()
    } else {
      pending = memory.dirty.harvest()
    }
    pendingPages = pending.count
    cursorWord = 0
    passStart = time
    passBytes = 0
    passPages = 0
    statistics.pass = number
  }

  /// Sends pages between `start` and `now` within the bandwidth; returns the time reached
  /// (`now`, or earlier when the phase changed and the rest of the slice belongs to it).
  func transfer(
    from start: Double, to now: Double, bandwidth: Double?, latency: Double,
    settings: EngineSettings, emit: (MigrationEvent) -> Void
  ) -> Double {
    guard let sourceMemory = sourceDomain?.memory, let targetMemory = targetDomain?.memory else {
      return now
    }
    var clock = start
    let wallStart = bandwidth == nil ? ContinuousClock.now : nil
    // Wall time spent moving pages, without the digests that hand-off computes.
    let callStart = ContinuousClock.now
    let verificationBefore = verificationWallTime
    defer {
      transferWallTime +=
        Self.seconds(since: callStart) - (verificationWallTime - verificationBefore)
    }
    var budget = bandwidth.map { $0 * (now - start) } ?? .infinity
    while budget > 0 {
      if pendingPages == 0 {
        if phase == .suspension {
          // The CPU state follows the last pages.
          let sendable = min(Double(finalStateBytes), budget)
          finalStateBytes -= UInt64(sendable)
          statistics.transferredBytes += UInt64(sendable)
          budget -= sendable
          if let bandwidth { clock += sendable / bandwidth }
          guard finalStateBytes == 0 else { return now }
          clock += latency
          allStateSent = true
          statistics.remainingBytes = 0
          statistics.progress = 0.99
          enter(.handOff, at: min(clock, now), emit: emit)
          return min(clock, now)
        }
        let elapsed = wallStart.map { Self.seconds(since: $0) } ?? (clock - passStart)
        clock += latency
        if finishPass(
          at: clock, duration: max(elapsed + latency, 1e-6), memory: sourceMemory,
          settings: settings, emit: emit)
        {
          return min(clock, now)
        }
        continue
      }
      let sent = sendNextPage(from: sourceMemory, to: targetMemory)
      passPages += 1
      pendingPages -= 1
      passBytes += UInt64(sent)
      statistics.transferredBytes += UInt64(sent)
      if let bandwidth {
        budget -= Double(sent)
        clock += Double(sent) / bandwidth
      }
    }
    refreshEstimates(memory: sourceMemory)
    return now
  }

  /// Sends the next pending page at or after the cursor; returns the bytes put on the wire.
  @inline(__always)
  func sendNextPage(from source: GuestMemory, to target: GuestMemory) -> Int {
    while true {
      if let page = pending.first(fromWord: &cursorWord) {
        pending.remove(page)
        switch PageSender.send(page: page, from: source, to: target) {
        case .zero:
          statistics.zeroPages += 1
          return PageSender.headerBytes
        case .normal:
          statistics.normalPages += 1
          return PageSender.normalPageBytes
        }
      }
      preconditionFailure("pending page count out of step with the pending bitmap")
    }
  }

  /// Ends a pre-copy pass and decides: another pass, or suspend. Returns true when the phase
  /// changed.
  func finishPass(
    at time: Double, duration: Double, memory: GuestMemory, settings: EngineSettings,
    emit: (MigrationEvent) -> Void
  ) -> Bool {
    let dirtied = memory.dirty.count
    let throughput = Double(passBytes) / duration
    let dirtyRate = Double(dirtied * GuestMemory.pageSize) / duration
    passes.append(
      PassRecord(
        number: statistics.pass, bytesSent: passBytes, pagesSent: passPages, duration: duration,
        pagesDirtied: dirtied, throughput: throughput, dirtyRate: dirtyRate))
    statistics.throughput = throughput
    statistics.dirtyRate = dirtyRate
    let remaining = UInt64(dirtied) * UInt64(PageSender.normalPageBytes)
    let sendRate = settings.link.bytesPerSecond ?? throughput
    statistics.expectedDowntime = Double(remaining) / max(sendRate, 1) + settings.link.latency
    statistics.remainingBytes = UInt64(dirtied * GuestMemory.pageSize)
    let lambda = statistics.lambda
    emit(
      event(
        time, .passFinished,
        "pass \(statistics.pass): sent \(ByteSize.human(Double(passBytes))) in"
          + " \(Units.formatDuration(duration)), \(dirtied) pages dirtied meanwhile,"
          + " λ \(Self.twoDecimals(lambda))"))
    if statistics.expectedDowntime <= settings.downtimeLimit {
      enter(.suspension, at: time, emit: emit)
      return true
    }
    if statistics.pass >= settings.maxPasses {
      emit(
        event(
          time, .passFinished,
          "pass limit \(settings.maxPasses) reached without converging; suspending with"
            + " \(ByteSize.human(Double(remaining))) left"))
      enter(.suspension, at: time, emit: emit)
      return true
    }
    if settings.autoConverge, dirtyRate > throughput / 2, let domain = sourceDomain {
      let next = domain.throttle == 0 ? 0.2 : min(0.99, domain.throttle + 0.1)
      domain.setThrottle(next)
      statistics.throttle = domain.throttle
      emit(
        event(
          time, .throttled,
          "auto-converge: guest throttled to \(Int((next * 100).rounded()))% (dirty rate"
            + " \(ByteSize.human(dirtyRate))/s > half the throughput)"))
    }
    startPass(statistics.pass + 1, at: time, memory: memory)
    return false
  }

  func refreshEstimates(memory: GuestMemory) {
    let dirty = UInt64(memory.dirty.count)
    let remainingPages = UInt64(pendingPages) + (phase == .suspension ? 0 : dirty)
    statistics.remainingBytes = remainingPages * UInt64(GuestMemory.pageSize)
    let total = max(statistics.totalBytes, 1)
    let done = 1 - min(1, Double(statistics.remainingBytes) / Double(total))
    statistics.progress = min(0.99, max(statistics.progress, done * 0.99))
    if phase == .stateTransfer, statistics.throughput > 0 {
      statistics.expectedDowntime =
        Double(dirty * UInt64(PageSender.normalPageBytes)) / statistics.throughput
    }
  }

  static func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).inSeconds
  }

  static func twoDecimals(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}

extension DirtyBitmap {
  /// The first set bit at or after word `word`, advancing `word` past empty words.
  @inline(__always)
  func first(fromWord word: inout Int) -> Int? {
    while word < wordCount {
      let bits = self.word(at: word)
      if bits != 0 { return word << 6 | bits.trailingZeroBitCount }
      word += 1
    }
    return nil
  }
}
