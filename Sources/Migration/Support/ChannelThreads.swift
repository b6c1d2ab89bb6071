import Dispatch

/// Runs one piece of work per page channel at once, each on a thread of the system's pool,
/// and returns when all are done: the engine thread waits meanwhile, so the guest (which runs
/// on it) never writes memory a channel's thread is reading.
enum ChannelThreads {
  /// Calls `work` with each of `items`, in parallel when there are several.
  ///
  /// `work` must touch only its item's own state besides what every item only reads, or, for
  /// the destination, pages no other item writes (a pass's pages are spread over the channels
  /// once each, and no channel is read past its pass's CHANNEL-SYNC).
  static func forEach<Item>(_ items: [Item], _ work: (Item) -> Void) {
    guard items.count > 1 else {
      if let item = items.first { work(item) }
      return
    }
    withoutActuallyEscaping(work) { work in
      let shared = Shared(items: items, work: work)
      DispatchQueue.concurrentPerform(iterations: items.count) { index in
        shared.work(shared.items[index])
      }
    }
  }

  /// The items and the work, handed to the pool's threads: sound under the contract above,
  /// which the compiler cannot see.
  private struct Shared<Item>: @unchecked Sendable {
    let items: [Item]
    let work: (Item) -> Void
  }
}
