import Foundation

/// Locates files of the repository from tests, wherever `swift test` runs.
public enum Fixtures {
  /// The package root: the directory holding `Package.swift`.
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    fatalError("Package.swift not found above \(#filePath)")
  }()

  public static func url(_ relativePath: String) -> URL {
    packageRoot.appendingPathComponent(relativePath)
  }

  public static func text(_ relativePath: String) throws -> String {
    try String(contentsOf: url(relativePath), encoding: .utf8)
  }
}
