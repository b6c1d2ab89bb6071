import Foundation

/// The sanitizer the suite runs under, as `Scripts/sanitize.sh` says in `LDM_SANITIZER`.
///
/// A test whose cases cost ten times as much under a sanitizer can run those of its cases that
/// exercise something else than the others (threads, for ThreadSanitizer), and say why.
public enum Sanitizer {
  /// `thread` or `address` under `Scripts/sanitize.sh`, nil otherwise.
  public static var current: String? { ProcessInfo.processInfo.environment["LDM_SANITIZER"] }

  /// Whether ThreadSanitizer watches this run.
  public static var isThread: Bool { current == "thread" }
}
