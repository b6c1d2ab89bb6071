import Foundation
import Testing

/// Runs a `.serialized` suite on threads of its own, beside Swift concurrency's cooperative
/// pool instead of inside it.
///
/// The pool has as many threads as cores and hands them out first come, first served. A
/// serialized suite awaits each of its tests before it starts the next, and each of those
/// resumptions queues behind every parallel test not yet started, so on two cores the suites
/// that drive daemons would make no progress until the parallel tests were nearly all done,
/// and then run alone: the suite's wall time was theirs plus the chain's. On threads of their
/// own they run from the start, beside the parallel tests (the whole suite: 186-204 s instead
/// of 221-227 here).
public struct OwnThreads: SuiteTrait, TestScoping {
  /// Once, around the whole suite: its tests, and every task they start in structured
  /// concurrency, prefer the suite's executor.
  public var isRecursive: Bool { false }

  let executor: ThreadPoolExecutor

  public func provideScope(
    for test: Test, testCase: Test.Case?,
    performing function: @Sendable () async throws -> Void
  ) async throws {
    // Under ThreadSanitizer every test costs several times as much, and the parallel ones
    // take both cores for their whole run: a daemon's migration beside them outlasts the
    // passing states its tests watch for. There the suite waits for the pool, as it would
    // without this trait, and runs when the parallel tests are done.
    guard !Sanitizer.isThread else { return try await function() }
    try await OwnThreads.$executor.withValue(executor) {
      try await withTaskExecutorPreference(executor) { try await function() }
    }
  }

  /// The executor of the suite the current test runs in, if it has threads of its own: for
  /// the unstructured tasks a test starts (a console's control link to a daemon), which do not
  /// inherit the preference and would otherwise wait in the pool behind the parallel tests.
  @TaskLocal public static var executor: ThreadPoolExecutor?
}

extension Trait where Self == OwnThreads {
  /// Threads of its own for a serialized suite (see ``OwnThreads``): a few, since a test that
  /// blocks one (waiting on a child process or a socket) may still await work of its own.
  public static var ownThreads: Self { OwnThreads(executor: ThreadPoolExecutor(threads: 3)) }
}

/// A task executor of a fixed set of threads that run its jobs in the order they come.
public final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
  // `jobs` is only touched with `condition` locked.
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var next = 0

  public init(threads: Int) {
    for index in 0..<threads {
      let thread = Thread { [self] in work() }
      thread.name = "own-threads-\(index)"
      thread.start()
    }
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    condition.signal()
    condition.unlock()
  }

  private func work() {
    while true {
      condition.lock()
      while next == jobs.count { condition.wait() }
      let job = jobs[next]
      next += 1
      if next == jobs.count {
        jobs.removeAll(keepingCapacity: true)
        next = 0
      }
      condition.unlock()
      job.runSynchronously(on: asUnownedTaskExecutor())
    }
  }
}
