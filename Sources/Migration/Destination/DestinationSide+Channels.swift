import Compression
import Foundation
import Hypervisor

/// One page connection of a migration arriving on more than one channel: its own decompressor
/// and counts. The batches that arrived on it are decompressed and applied on a thread of its
/// own while the engine thread waits; a pass's batches of different channels name different
/// pages, and no channel is read past its CHANNEL-SYNC until the pass is complete, so no two
/// threads ever write the same page.
final class DestinationPageStream {
  let index: Int
  let channel: MigrationChannel
  let decompressor: BatchDecompressor?
  var figures: ChannelFigures
  /// The pass whose CHANNEL-SYNC arrived on this channel, until the next pass begins.
  var syncedPass: Int?
  /// Pages applied from this channel in the current pass.
  var passPages = 0

  // One round's work: frames taken from the connection, then what applying them found.
  var frames: [[UInt8]] = []
  var sync: [UInt8]?
  var applied = 0
  var refused = false
  var failure: String?

  init(index: Int, channel: MigrationChannel, codec: CompressionCodec) {
    self.index = index
    self.channel = channel
    decompressor =
      codec == .none
      ? nil
      : BatchDecompressor(
        codec: codec, maximumBatchBytes: ProtocolLimits.maxBatchPages * PageRecord.normalBytes)
    figures = ChannelFigures(index: index)
  }

  /// Decodes, decompresses and applies this round's frames of pass `pass`: the part that
  /// runs in parallel. Stops at the first frame it refuses.
  func applyFrames(
    pass: Int, memory: GuestMemory, refusesAllocations: Bool, xbzrle: Bool,
    allocation: PageAllocationLock
  ) {
    applied = 0
    refused = false
    failure = nil
    var storage: [UnsafeMutableRawPointer?] = []
    for frame in frames {
      let batch: PageBatch
      do {
        switch try MessageCodec.decode(frame: frame) {
        case .pages(let plain):
          batch = plain
        case .compressedPages(let compressed):
          guard let decompressor else {
            failure =
              "PAGES-COMPRESSED in \(compressed.codec) on channel \(index), but no compression"
              + " was agreed"
            return
          }
          batch = try compressed.decompressed(with: decompressor)
          figures.cpuTime = decompressor.statistics.cpuTime
        case let other:
          failure = "\(other.name) is not expected on page channel \(index)"
          return
        }
      } catch {
        failure = error.reason
        return
      }
      guard batch.pass == pass else {
        failure = "PAGES of pass \(batch.pass) on channel \(index) while pass \(pass) is sent"
        return
      }
      guard batch.highestPage < memory.pageCount else {
        failure = "PAGES names page \(batch.highestPage) of a domain with \(memory.pageCount) pages"
        return
      }
      guard xbzrle || batch.deltaCount == 0 else {
        failure = DestinationSide.unagreedXBZRLE
        return
      }
      // The target's memory hands out fresh pages from shared slabs: they are taken under the
      // lock, a batch at a time, and filled outside it.
      storage.removeAll(keepingCapacity: true)
      allocation.lock()
      batch.forEachRecord { page, content in
        switch content {
        case .zero:
          storage.append(nil)
        case .page where refusesAllocations && !memory.isResident(page):
          storage.append(nil)
        case .page:
          storage.append(memory.storageForOverwrite(ofPage: page))
        case .delta:
          storage.append(memory.existingStorage(ofPage: page))
        }
      }
      allocation.unlock()
      var record = 0
      batch.forEachRecord { page, content in
        defer { record += 1 }
        guard !refused, failure == nil else { return }
        switch (content, storage[record]) {
        case (.zero, _):
          memory.zeroPage(page)
        case (.page(let bytes), let target?):
          target.copyMemory(from: bytes, byteCount: GuestMemory.pageSize)
        case (.page, nil):
          refused = true
        case (.delta(let delta), let target?):
          delta.apply(to: target)
        case (.delta, nil):
          failure = DestinationSide.deltaWithoutPage(page)
        }
      }
      if refused || failure != nil { return }
      applied += batch.count
      figures.batches += 1
      figures.pages += batch.count
    }
  }
}

/// Serialises the target memory's hand-out of fresh pages between the channels' threads.
final class PageAllocationLock: @unchecked Sendable {
  private let mutex = NSLock()

  func lock() { mutex.lock() }
  func unlock() { mutex.unlock() }
}

extension DestinationSide {
  /// The most page channels this side grants a migration.
  public static let maximumChannels = 16

  /// Takes a page connection whose CHANNEL-JOIN named this migration. A channel index past
  /// the grant, or one that joined already, ends the migration as a protocol violation.
  public func adopt(_ connection: MigrationChannel, join: ChannelJoin, at time: Double) {
    clock = max(clock, time)
    guard !isFinished, granted > 1 else {
      connection.close(at: clock)
      return violation(
        "CHANNEL-JOIN names channel \(join.index), but this migration was granted one channel")
    }
    guard join.index < granted else {
      connection.close(at: clock)
      return violation("CHANNEL-JOIN names channel \(join.index) of the \(granted) granted")
    }
    guard !pageStreams.contains(where: { $0.index == join.index }) else {
      connection.close(at: clock)
      return violation("CHANNEL-JOIN names channel \(join.index) a second time")
    }
    let stream = DestinationPageStream(index: join.index, channel: connection, codec: codec)
    stream.figures.bytes = UInt64(MessageCodec.encode(.joinChannel(join)).count)
    pageStreams.append(stream)
    pageStreams.sort { $0.index < $1.index }
    if pageStreams.count == granted, let created = createdAwaitingChannels {
      createdAwaitingChannels = nil
      perform(.targetReady(created))
    }
  }

  /// The pass whose batches the page channels carry now, nil while none is being sent.
  var channelPass: Int? {
    switch state {
    case .inPass(let number): number
    case .suspended: 0
    default: nil
    }
  }

  /// Page channels whose next frames belong to the pass under way.
  var readableStreams: [DestinationPageStream] {
    guard let pass = channelPass else { return [] }
    return pageStreams.filter { $0.syncedPass != pass }
  }

  /// When the earliest frame waiting on a readable page channel arrived.
  func nextPageArrival(by now: Double) -> Double? {
    readableStreams.compactMap { $0.channel.nextArrival(by: now) }.min()
  }

  /// Applies what arrived on the page channels by `now`, each channel on its own thread, then
  /// takes their syncs; a complete pass lets the held END-PASS or HAND-OFF go on.
  func receivePages(by now: Double) {
    guard let pass = channelPass, let memory = target?.memory else {
      return violation("PAGES for a domain that has no memory here")
    }
    let streams = readableStreams
    for stream in streams {
      stream.frames.removeAll(keepingCapacity: true)
      stream.sync = nil
      while let (frame, at) = stream.channel.receive(by: now) {
        clock = max(clock, at)
        stream.figures.bytes += UInt64(frame.count)
        if frame.count > 4, frame[4] == MessageType.channelSync.rawValue {
          stream.sync = frame
          break
        }
        stream.frames.append(frame)
      }
    }
    let working = streams.filter { !$0.frames.isEmpty }
    let refuses = refusesAllocations
    let xbzrle = features.contains(.xbzrle)
    let lock = allocation
    ChannelThreads.forEach(working) { stream in
      stream.applyFrames(
        pass: pass, memory: memory, refusesAllocations: refuses, xbzrle: xbzrle,
        allocation: lock)
    }
    for stream in working {
      stream.frames = []
      passPages += stream.applied
      stream.passPages += stream.applied
      if let failure = stream.failure { return violation(failure) }
      if stream.refused { return refuseAllocation() }
    }
    for stream in streams {
      guard let frame = stream.sync else { continue }
      stream.sync = nil
      do {
        guard case .channelSync(let synced, let pages) = try MessageCodec.decode(frame: frame)
        else { continue }
        guard synced == pass, pages == stream.passPages else {
          return violation(
            "CHANNEL-SYNC on channel \(stream.index) counts \(pages) pages of pass \(synced);"
              + " \(stream.passPages) of pass \(pass) arrived on it")
        }
        stream.syncedPass = pass
      } catch {
        return violation(error.reason)
      }
    }
    if pass == 0 { hashIfComplete() }
    if let held = heldMessage, allChannelsSynced(pass) {
      heldMessage = nil
      handle(held)
    }
  }

  /// Whether every granted channel joined and sent its CHANNEL-SYNC of `pass`.
  func allChannelsSynced(_ pass: Int) -> Bool {
    pageStreams.count == granted && pageStreams.allSatisfy { $0.syncedPass == pass }
  }

  /// A new pass (or the final copy) starts on every page channel.
  func resetChannelPass() {
    for stream in pageStreams {
      stream.syncedPass = nil
      stream.passPages = 0
    }
  }

  /// The page channels' counts, when the migration has them.
  public var channelFigures: [ChannelFigures]? {
    granted > 1 ? pageStreams.map(\.figures) : nil
  }

  /// The first granted channel that has not joined, once the time for joining is over.
  func missingChannel(by now: Double) -> Int? {
    guard granted > 1, pageStreams.count < granted, let since = acceptedAt,
      since + MigrationTiming.peerTimeout <= now
    else { return nil }
    return (0..<granted).first { index in !pageStreams.contains { $0.index == index } }
  }
}

extension DestinationSide {
  /// Why a batch with XBZRLE records is refused when the hello did not agree on XBZRLE.
  static let unagreedXBZRLE = "PAGES hold XBZRLE records, which the hello did not agree on"

  /// Why a difference is refused for a page this side never received whole.
  static func deltaWithoutPage(_ page: Int) -> String {
    "XBZRLE of page \(page), which never arrived here whole"
  }
}
