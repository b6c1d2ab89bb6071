import Foundation

/// Golden files under `Tests/Golden/`: compares text with a file, or rewrites the file when
/// the environment has `UPDATE_GOLDENS=1`.
public enum Golden {
  public static var isUpdating: Bool {
    ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1"
  }

  /// Nil when `actual` equals the golden file `Tests/Golden/<name>` (or the file was just
  /// rewritten); otherwise a description of the differences, line by line.
  public static func mismatch(_ actual: String, file name: String) -> String? {
    let url = Fixtures.url("Tests/Golden/\(name)")
    if isUpdating {
      do {
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return nil
      } catch {
        return "cannot write golden file \(name): \(error)"
      }
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      return "golden file \(name) is missing; run the tests with UPDATE_GOLDENS=1 to create it"
    }
    guard expected != actual else { return nil }
    return "\(name) differs (- golden, + actual):\n" + diff(expected, actual)
  }

  /// A line diff built on the longest common subsequence: short and exact for text of the
  /// size goldens have.
  public static func diff(_ old: String, _ new: String) -> String {
    let a = old.components(separatedBy: "\n")
    let b = new.components(separatedBy: "\n")
    var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lengths[i][j] =
          a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
      }
    }
    var lines: [String] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        lines.append("  \(a[i])")
        i += 1
        j += 1
      } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
        lines.append("- \(a[i])")
        i += 1
      } else {
        lines.append("+ \(b[j])")
        j += 1
      }
    }
    return lines.joined(separator: "\n")
  }
}
