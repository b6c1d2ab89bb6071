import Compression
import Hypervisor

/// One page connection of a migration granted more than one channel, as QEMU's multifd
/// channels: its own connection, compressor and counts. Its batches of a turn are built and
/// compressed on a thread of its own while the engine thread waits, so the guest (which runs
/// on the engine thread) never writes memory that is being read.
final class SourcePageStream {
  let index: Int
  let channel: MigrationChannel
  let compressor: BatchCompressor?
  var figures: ChannelFigures
  /// Pages this channel carried in the current pass (its CHANNEL-SYNC says how many).
  var passPages = 0

  // One turn's work, filled by the engine thread, encoded by the channel's thread: the
  // pages of each batch (and, for pages sent again with XBZRLE, their cache slots), then its
  // frame and how many of its pages were not zero.
  var turnBatches: [[Int]] = []
  var turnSlots: [[XBZRLECache.Reservation?]] = []
  var turnFrames: [[UInt8]] = []
  var turnNormal: [Int] = []
  /// What XBZRLE did in this turn, and whether its pages go again (not the first pass).
  var turnXBZRLE = XBZRLEFigures(cacheBytes: 0)
  var turnAgain = false
  /// The migration's XBZRLE cache, shared by its channels: each thread touches only the slots
  /// reserved for its own pages.
  var xbzrleCache: XBZRLECache?

  init(index: Int, channel: MigrationChannel, codec: CompressionCodec) {
    self.index = index
    self.channel = channel
    compressor =
      codec == .none
      ? nil
      : BatchCompressor(
        codec: codec, maximumBatchBytes: MigrationTiming.batchPages * PageRecord.normalBytes)
    figures = ChannelFigures(index: index)
  }

  /// Builds this turn's batches from `memory` and compresses them: the part that runs in
  /// parallel.
  func encodeTurn(pass: Int, memory: GuestMemory) {
    turnXBZRLE = XBZRLEFigures(cacheBytes: 0)
    turnFrames = turnBatches.indices.map { batch in
      encode(
        turnBatches[batch], slots: turnSlots.isEmpty ? nil : turnSlots[batch], pass: pass,
        memory: memory)
    }
    if let compressor { figures.cpuTime = compressor.statistics.cpuTime }
  }

  func encode(
    _ pages: [Int], slots: [XBZRLECache.Reservation?]?, pass: Int, memory: GuestMemory
  ) -> [UInt8] {
    var batch = PageBatchWriter(pass: pass, capacity: pages.count)
    var normal = 0
    for (index, page) in pages.enumerated() {
      let reservation: XBZRLECache.Reservation? = slots.flatMap { $0[index] }
      if let bytes = memory.bytes(ofPage: page), !GuestMemory.isZeroPage(bytes) {
        if slots != nil, let xbzrleCache {
          xbzrleCache.append(
            page: page, contents: bytes, reservation: reservation, again: turnAgain,
            to: &batch, counting: &turnXBZRLE)
        } else {
          batch.append(page: page, bytes: bytes)
        }
        normal += 1
      } else {
        batch.appendZero(page: page)
        if let reservation { xbzrleCache?.store(nil, in: reservation.slot) }
      }
    }
    let frame = batch.finish()
    turnNormal.append(normal)
    guard let compressor else { return frame }
    return (try? CompressedPageBatch.frame(compressing: frame, with: compressor)) ?? frame
  }
}

extension SourceSide {
  /// Opens the page connections the destination granted, each announced by its CHANNEL-JOIN.
  /// Returns false (the migration failed) when one cannot be opened.
  func openPageChannels(_ granted: Int, codec: CompressionCodec) -> Bool {
    guard granted > 1 else { return true }
    for index in 0..<granted {
      guard let channel = openPageChannel?() else {
        fail(.channelLost(target: targetHostName, channel: index, cause: .reset))
        return false
      }
      let stream = SourcePageStream(index: index, channel: channel, codec: codec)
      pageStreams.append(stream)
      send(
        .joinChannel(
          ChannelJoin(sourceHost: sourceHostName, migration: UInt64(id.rawValue), index: index)),
        on: stream)
    }
    statistics.channels = pageStreams.map(\.figures)
    return true
  }

  /// Every connection of the migration: the main one, then the page channels.
  public var connections: [MigrationChannel] {
    (channel.map { [$0] } ?? []) + pageStreams.map(\.channel)
  }

  /// Bytes that had left by `time` on every connection, and when the last of them left.
  func departed(by time: Double) -> (bytes: UInt64, time: Double) {
    var bytes: UInt64 = 0
    var last = 0.0
    for connection in connections {
      let departed = connection.departed(by: time)
      bytes += departed.bytes
      last = max(last, departed.time)
    }
    return (bytes, last)
  }

  /// The first page connection that failed, if one did. One the destination closed is not
  /// a failure by itself: the destination says why on the main connection, or closes it too.
  var closedPageStream: SourcePageStream? {
    pageStreams.first { $0.channel.closure.map { $0 != .peer } ?? false }
  }

  func send(_ message: MigrationMessage, on stream: SourcePageStream) {
    send(frame: MessageCodec.encode(message), on: stream)
  }

  func send(frame: [UInt8], on stream: SourcePageStream) {
    send(frame: frame, on: stream.channel)
    stream.figures.bytes += UInt64(frame.count)
  }

  /// Sends page batches over the page channels while any takes them. Each turn gives every
  /// writable channel as many batches as its send window takes at the ratio measured so far
  /// (at least one, at most 16), which the channels' threads build and compress at once: the
  /// threads wake once per window, not once per batch.
  /// Returns whether anything was sent.
  func sendPagesOnChannels(_ memory: GuestMemory) -> Bool {
    let pass = conversation == .suspending ? 0 : statistics.pass
    let batchBytes = Double(MigrationTiming.batchPages * PageRecord.normalBytes) * wireFraction
    let perTurn = max(1, min(16, Int(Double(MigrationTiming.channelTurnBytes) / batchBytes)))
    var sent = false
    while pendingPages > 0 {
      let turn = pageStreams.filter(\.channel.isWritable)
      guard !turn.isEmpty else { break }
      var working: [SourcePageStream] = []
      let cache = xbzrleCache
      let again = resending
      cache?.beginTurn(pass: cachePass)
      for stream in turn where pendingPages > 0 {
        stream.turnBatches.removeAll(keepingCapacity: true)
        stream.turnSlots.removeAll(keepingCapacity: true)
        stream.turnNormal.removeAll(keepingCapacity: true)
        stream.xbzrleCache = cache
        stream.turnAgain = again
        while stream.turnBatches.count < perTurn, pendingPages > 0 {
          var pages: [Int] = []
          pages.reserveCapacity(MigrationTiming.batchPages)
          while pages.count < MigrationTiming.batchPages,
            let page = pending.first(fromWord: &cursorWord)
          {
            pending.remove(page)
            pendingPages -= 1
            pages.append(page)
          }
          guard !pages.isEmpty else { break }
          stream.turnBatches.append(pages)
          if let cache {
            // Slots for the pages cached that hold something; a page without storage is a
            // zero page.
            stream.turnSlots.append(
              pages.map {
                memory.isResident($0) && caches($0, memory: memory) ? cache.reserve($0) : nil
              })
          }
        }
        if !stream.turnBatches.isEmpty { working.append(stream) }
      }
      guard !working.isEmpty else { break }
      ChannelThreads.forEach(working) { $0.encodeTurn(pass: pass, memory: memory) }
      for stream in working {
        for (pages, (frame, normal)) in zip(
          stream.turnBatches, zip(stream.turnFrames, stream.turnNormal))
        {
          let zero = pages.count - normal
          statistics.normalPages += UInt64(normal)
          statistics.zeroPages += UInt64(zero)
          let encoded =
            UInt64(normal) * UInt64(PageRecord.normalBytes)
            + UInt64(zero) * UInt64(PageRecord.headerBytes)
          pendingBytes -= min(pendingBytes, encoded)
          passPages += pages.count
          stream.passPages += pages.count
          stream.figures.pages += pages.count
          stream.figures.batches += 1
          send(frame: frame, on: stream)
        }
        stream.turnFrames = []
        if cache != nil { statistics.xbzrle?.add(stream.turnXBZRLE) }
      }
      sent = true
    }
    if sent { refreshChannelFigures() }
    return sent
  }

  /// The end of a pass (0: the final copy) on every page channel, as multifd's SYNC: the
  /// destination acknowledges the pass only once each channel's batches of it are applied.
  func syncPageChannels(pass: Int) {
    for stream in pageStreams {
      send(.channelSync(pass: pass, pages: stream.passPages), on: stream)
      stream.passPages = 0
    }
    refreshChannelFigures()
  }

  func refreshChannelFigures() {
    guard !pageStreams.isEmpty else { return }
    statistics.channels = pageStreams.map(\.figures)
    if let codec = statistics.compression?.codec {
      statistics.compression = CompressionFigures(codec: codec, statistics: compressionTotal)
    }
  }

  /// What every compressor of the migration did so far: the main connection's and the page
  /// channels'.
  var compressionTotal: CompressionStatistics {
    pageStreams.reduce(compressor?.statistics ?? .zero) {
      $0 + ($1.compressor?.statistics ?? .zero)
    }
  }
}
