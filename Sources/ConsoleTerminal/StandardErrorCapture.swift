import Glibc
import Synchronization

/// Holds what is written to standard error while curses owns the screen, and shows it once
/// the screen is back.
///
/// Without it such text is drawn over the frame and then lost with the alternate screen,
/// including the one line that matters most: the `Fatal error: …` the Swift runtime writes just
/// before a crash. The text goes to an unlinked temporary file (a pipe would block a writer
/// once full); `end()` puts standard error back and copies the text to it with only
/// async-signal-safe calls, so the crash handler can call it too.
final class StandardErrorCapture: Sendable {
  /// The real standard error, duplicated.
  private let original: Int32
  /// The temporary file standard error points at meanwhile.
  private let file: Int32
  private let isCapturing = Atomic<Bool>(true)

  /// Starts capturing; nil (and nothing changed) if no temporary file could be made.
  init?() {
    guard let stream = tmpfile() else { return nil }
    let file = dup(fileno(stream))
    fclose(stream)
    let original = dup(STDERR_FILENO)
    guard file >= 0, original >= 0, dup2(file, STDERR_FILENO) >= 0 else {
      if file >= 0 { close(file) }
      if original >= 0 { close(original) }
      return nil
    }
    self.original = original
    self.file = file
  }

  /// Puts standard error back and writes out what was captured; only the first call acts.
  func end() {
    let (exchanged, _) = isCapturing.compareExchange(
      expected: true, desired: false, ordering: .sequentiallyConsistent)
    guard exchanged else { return }
    _ = dup2(original, STDERR_FILENO)
    _ = lseek(file, 0, SEEK_SET)
    // 1 KiB is always on the stack: larger sizes may ask the C library about the stack, and
    // that is not async-signal-safe.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer in
      while true {
        let count = read(file, buffer.baseAddress, buffer.count)
        guard count > 0 else { break }
        var written = 0
        while written < count {
          let result = write(STDERR_FILENO, buffer.baseAddress! + written, count - written)
          guard result > 0 else { return }
          written += result
        }
      }
    }
    close(file)
    close(original)
  }
}
