import Foundation

/// Runs `work`, which blocks (a child process run to its end, a socket read), on a thread of
/// its own, so that the tasks of Swift concurrency's small pool (as many threads as cores)
/// go on meanwhile: a console's control link to a daemon lives on that pool, and a test that
/// blocked two threads of a two-core machine would starve it. `work` must not record issues.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread {
      continuation.resume(with: Result { try work() })
    }
  }
}
