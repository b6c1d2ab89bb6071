import Compression
import Foundation
import Hypervisor

/// Phases 3 and 4: pre-copy passes of page batches, then the final copy while suspended, with
/// every figure from what was encoded and when it left.
extension SourceSide {
  func startPass(_ number: Int, memory: GuestMemory) {
    if number == 1 {
      // The first pass sends everything; what the guest writes from now on is logged anew.
      memory.dirty.clearAll()
      pending = DirtyBitmap(pageCount: memory.pageCount)
      pending.setAll()
    } else {
      pending = memory.dirty.harvest()
    }
    conversation = .transferring
    preparePending(memory)
    passStart = clock
    passStartTransferred = statistics.transferredBytes
    passStartDeparted = channel == nil ? 0 : departed(by: clock).bytes
    passPages = 0
    passStartCompression = compressionTotal
    statistics.pass = number
    send(.beginPass(number: number, pages: pendingPages))
    refreshEstimates(memory: memory)
  }

  /// Counts the pending pages and their encoded size: a zero page costs its marker.
  func preparePending(_ memory: GuestMemory) {
    pendingPages = pending.count
    var bytes: UInt64 = 0
    pending.forEachPage { page in
      if let contents = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(contents) {
        bytes += UInt64(PageRecord.normalBytes)
      } else {
        bytes += UInt64(PageRecord.headerBytes)
      }
    }
    pendingBytes = bytes
    cursorWord = 0
  }

  /// Sends page batches, the end of the pass, the CPU state and the hand-off request while
  /// the channel takes them. Returns whether anything was sent.
  func sendWhileWritable(until now: Double) -> Bool {
    guard let channel, conversation == .transferring || conversation == .suspending else {
      return false
    }
    let memory = domain?.memory
    clock = max(clock, min(now, departed(by: now).time))
    let wallStart = ContinuousClock.now
    defer { transferWallTime += (ContinuousClock.now - wallStart).inSeconds }
    var sent = false
    if !pageStreams.isEmpty, let memory { sent = sendPagesOnChannels(memory) }
    let again = resending
    var xbzrle = XBZRLEFigures(cacheBytes: 0)
    while let memory, pageStreams.isEmpty, channel.isWritable, pendingPages > 0 {
      var batch = PageBatchWriter(
        pass: conversation == .suspending ? 0 : statistics.pass,
        capacity: min(MigrationTiming.batchPages, pendingPages))
      xbzrleCache?.beginTurn(pass: cachePass)
      while !batch.isFull, pendingPages > 0, let page = pending.first(fromWord: &cursorWord) {
        pending.remove(page)
        pendingPages -= 1
        if let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) {
          if let cache = xbzrleCache, caches(page, memory: memory) {
            cache.append(
              page: page, contents: bytes, reservation: cache.reserve(page), again: again,
              to: &batch, counting: &xbzrle)
          } else {
            batch.append(page: page, bytes: bytes)
          }
          statistics.normalPages += 1
          pendingBytes -= min(pendingBytes, UInt64(PageRecord.normalBytes))
        } else {
          batch.appendZero(page: page)
          // The destination now holds zeros: no difference can be taken from what it had.
          xbzrleCache?.invalidate(page)
          statistics.zeroPages += 1
          pendingBytes -= min(pendingBytes, UInt64(PageRecord.headerBytes))
        }
      }
      passPages += batch.count
      send(frame: encoded(batch.finish()))
      sent = true
    }
    statistics.xbzrle?.add(xbzrle)
    guard pendingPages == 0, channel.isWritable else {
      if sent { refreshEstimates(memory: memory) }
      return sent
    }
    if conversation == .transferring, passEndThreshold == nil {
      if !pageStreams.isEmpty { syncPageChannels(pass: statistics.pass) }
      send(
        .endPass(
          EndOfPass(
            number: statistics.pass, pages: passPages,
            bytes: statistics.transferredBytes - passStartTransferred,
            progress: statistics.progress)))
      passEndThreshold = statistics.transferredBytes
      sent = true
    } else if conversation == .suspending, handOffThreshold == nil {
      if isLive, !pageStreams.isEmpty, !finalSyncSent {
        syncPageChannels(pass: 0)
        finalSyncSent = true
        sent = true
      }
      while cpuStatesSent < cpuState.count, channel.isWritable {
        send(.cpuState(vcpu: cpuStatesSent, bytes: cpuState[cpuStatesSent]))
        cpuStatesSent += 1
        sent = true
      }
      if cpuStatesSent == cpuState.count, channel.isWritable {
        let started = ContinuousClock.now
        let startedCPU = ProcessCPU.seconds()
        handOffStartTime = clock
        // A cold migration carries no run-time state: only a live one's memory is compared.
        let digest = MigrationDigest.sha256(
          isLive ? domain?.memory : nil, cpuState: cpuState, version: protocolVersion)
        verificationWallTime += (ContinuousClock.now - started).inSeconds
        verificationCPUTime += ProcessCPU.seconds() - startedCPU
        sourceDigest = digest
        statistics.sourceDigest = MigrationDigest.hex(digest)
        send(
          .handOff(
            HandOffRequest(
              digest: digest, uptime: domain?.uptime ?? 0,
              state: isLive ? .active : domain?.state ?? .inactive)))
        handOffThreshold = statistics.transferredBytes
        sent = true
      }
    }
    refreshEstimates(memory: memory)
    return sent
  }

  /// Ends a pre-copy pass when its last byte left, and decides: another pass, or suspend.
  func finishPass(at time: Double) {
    guard let memory = domain?.memory else { return }
    clock = max(clock, time)
    let duration = max(clock - passStart, 1e-9)
    let dirtied = memory.dirty.count
    let bytes = statistics.transferredBytes - passStartTransferred
    let throughput = Double(bytes) / duration
    let dirtyRate = Double(dirtied * GuestMemory.pageSize) / duration
    let record = PassRecord(
      number: statistics.pass, bytesSent: bytes, pagesSent: passPages, duration: duration,
      pagesDirtied: dirtied, throughput: throughput, dirtyRate: dirtyRate,
      compression: statistics.compression.map {
        CompressionFigures(codec: $0.codec, statistics: compressionTotal - passStartCompression)
      })
    passes.append(record)
    statistics.throughput = throughput
    statistics.dirtyRate = dirtyRate
    statistics.convergence = statistics.convergence.next(lambda: statistics.lambda)
    refreshEstimates(memory: memory)
    emitEvent(
      .passFinished(record, lambda: statistics.lambda, convergence: statistics.convergence))
    if statistics.expectedDowntime <= settings.downtimeLimit {
      return enter(.suspension, at: clock)
    }
    if statistics.pass >= settings.maxPasses {
      announcedOverLimit = true
      emitEvent(
        .downtimeOverLimit(
          expected: statistics.expectedDowntime, limit: settings.downtimeLimit, reason: .passLimit))
      return enter(.suspension, at: clock)
    }
    if settings.autoConverge, dirtyRate > throughput / 2, let domain {
      let next = domain.throttle == 0 ? 0.2 : min(0.99, domain.throttle + 0.1)
      domain.setThrottle(next)
      statistics.throttle = domain.throttle
      emitEvent(.throttled(fraction: next, dirtyRate: dirtyRate, throughput: throughput))
    }
    startPass(statistics.pass + 1, memory: memory)
  }

  /// Phase 4: the guest stops; what it dirtied since the last pass, its CPU state and the
  /// digest follow.
  func suspend() {
    conversation = .suspending
    guard isLive, let domain, let memory = domain.memory else {
      cpuState = []
      pending = DirtyBitmap(pageCount: 0)
      pendingPages = 0
      pendingBytes = 0
      return
    }
    domain.setSuspended(true)
    suspendTime = clock
    pending = memory.dirty.harvest()
    preparePending(memory)
    cpuState = CPUStateImage.capture(
      domain: domainName, vcpus: domain.vcpuCount, uptime: domain.uptime)
    cpuStatesSent = 0
    emitEvent(.suspended(dirtyPages: pendingPages, vcpus: domain.vcpuCount))
    send(.suspend(dirtyPages: pendingPages, vcpus: domain.vcpuCount))
    refreshEstimates(memory: memory)
  }

  /// The frame of a finished batch as it goes on the wire: compressed when a codec was agreed.
  /// A batch the codec's library refuses (it never should) goes out uncompressed, which the
  /// destination always accepts.
  func encoded(_ pages: [UInt8]) -> [UInt8] {
    guard let compressor else { return pages }
    defer { statistics.compression?.statistics = compressor.statistics }
    return (try? CompressedPageBatch.frame(compressing: pages, with: compressor)) ?? pages
  }

  /// Wire bytes per byte of records, as measured so far (1 without compression): what is left
  /// is estimated in the bytes it will take on the wire.
  var wireFraction: Double {
    guard let ratio = statistics.compression?.statistics.ratio, ratio > 0 else { return 1 }
    return 1 / ratio
  }

  /// Progress, what is left, the rates and the model's estimates, from what was sent and
  /// when it left.
  func refreshEstimates(memory: GuestMemory?) {
    let dirtyPages = phase == .suspension ? 0 : memory?.dirty.count ?? 0
    let fraction = wireFraction
    // Pages sent again take what XBZRLE made of those sent again so far.
    let resent = xbzrleCache == nil ? 1 : statistics.xbzrle?.resentFraction ?? 1
    let pendingRecords = resending ? UInt64(Double(pendingBytes) * resent) : pendingBytes
    let pendingWire = Self.wire(pendingRecords, fraction)
    let dirtyBytes = Self.wire(
      UInt64(Double(dirtyPages) * Double(PageRecord.normalBytes) * resent), fraction)
    var left = pendingWire + dirtyBytes
    if phase == .suspension {
      let stateLeft = cpuState.dropFirst(cpuStatesSent).reduce(0) {
        $0 + $1.count + Self.cpuStateFrameOverhead
      }
      left += UInt64(stateLeft) + UInt64(handOffThreshold == nil ? Self.handOffFrameBytes : 0)
    }
    statistics.remainingBytes = left
    let sent = Double(statistics.transferredBytes)
    statistics.progress = min(0.99, sent / max(sent + Double(left), 1))
    sendProgressIfChanged()
    guard channel != nil, phase == .stateTransfer || phase == .suspension else { return }
    // The current pass's rates as measured so far, until the pass ends and sets them.
    let departed = departed(by: clock)
    let elapsed = departed.time - passStart
    if phase == .stateTransfer, elapsed > 0, departed.bytes > passStartDeparted {
      let measured = Double(departed.bytes - passStartDeparted) / elapsed
      if passes.count < statistics.pass { statistics.throughput = measured }
      if passes.count < statistics.pass, clock > passStart {
        statistics.dirtyRate = Double(dirtyPages * GuestMemory.pageSize) / (clock - passStart)
      }
    }
    let throughput = statistics.throughput
    guard throughput > 0 else {
      statistics.estimatedTimeLeft = nil
      return
    }
    statistics.expectedDowntime = Double(left) / throughput + measuredLatency
    if phase == .suspension {
      statistics.estimatedTimeLeft = Double(left) / throughput + 2 * measuredLatency
    } else {
      let model = PreCopyModel.estimate(
        pending: Double(pendingWire), dirty: Double(dirtyBytes), throughput: throughput,
        dirtyRate: statistics.dirtyRate, latency: measuredLatency,
        downtimeLimit: settings.downtimeLimit,
        passesLeft: max(1, settings.maxPasses - statistics.pass + 1),
        dirtyCeiling: Double(memory?.pageCount ?? 0) * Double(PageRecord.normalBytes) * fraction)
      statistics.estimatedTimeLeft = model.map { $0.seconds + measuredLatency }
    }
  }

  /// `bytes` of records as the wire bytes they take at `fraction`; exact without compression.
  static func wire(_ bytes: UInt64, _ fraction: Double) -> UInt64 {
    fraction == 1 ? bytes : UInt64((Double(bytes) * fraction).rounded(.up))
  }

  /// Bytes of a CPU-STATE frame besides the state: length, type, vCPU and blob length.
  static let cpuStateFrameOverhead = 4 + 1 + 4 + 4
  /// Bytes of a HAND-OFF frame: length, type, digest, uptime and state.
  static let handOffFrameBytes = 4 + 1 + 32 + 8 + 1

  /// Tells the target the new whole percent, so that `ldm list -o status` there agrees.
  func sendProgressIfChanged() {
    let percent = Int(statistics.progress * 100)
    guard percent != lastProgressPercent, channel != nil else { return }
    lastProgressPercent = percent
    send(.keepalive(progress: statistics.progress))
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
