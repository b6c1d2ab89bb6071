import Foundation

/// An executable of this package, built beside the test bundle, whatever the scratch path.
///
/// The test executable (Linux: `<products>/ldm-consolePackageTests.xctest`; macOS: a bundle under
/// `<products>`) lives in the build products directory, where `swift test` also builds the
/// package's executables.
public enum BuiltProduct {
  public struct NotFound: Error, CustomStringConvertible {
    public let description: String
  }

  public static func path(_ name: String) throws -> String {
    var starts: [URL] = []
    if let executable = Bundle.main.executableURL { starts.append(executable) }
    starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
    starts.append(Bundle.main.bundleURL)
    var tried: [String] = []
    for start in starts {
      var directory = start.resolvingSymlinksInPath().deletingLastPathComponent()
      for _ in 0..<5 {
        let candidate = directory.appendingPathComponent(name).path
        tried.append(candidate)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
          !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate)
        {
          return candidate
        }
        directory = directory.deletingLastPathComponent()
      }
    }
    throw NotFound(
      description: "\(name) not found beside the test bundle (tried: "
        + tried.joined(separator: ", ") + "); build it with `swift build`")
  }
}

/// What a finished command printed and how it ended.
public struct CommandResult: Sendable {
  public let status: Int32
  public let output: String
  public let errors: String

  /// Standard error's lines, without the empty one after the last line break.
  public var errorLines: [String] {
    errors.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .filter { !$0.isEmpty }
  }
}

/// A command that did not finish in the time allowed (it was killed).
public struct CommandTimedOut: Error, CustomStringConvertible {
  public let description: String

  public init(description: String) {
    self.description = description
  }
}

/// Runs a command to its end and returns what it printed.
///
/// Output goes to files, not pipes, so a command that prints a lot cannot block on a full pipe;
/// a command still running after `timeout` seconds is killed (it is this call's own child) and
/// reported, so no test hangs on it.
public func runCommand(
  _ executable: String, _ arguments: [String], input: String? = nil, timeout: Double = 60
) throws -> CommandResult {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("ldm-command-\(getpid())-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  let outputURL = folder.appendingPathComponent("out")
  let errorsURL = folder.appendingPathComponent("err")
  _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
  let outputHandle = try FileHandle(forWritingTo: outputURL)
  let errorsHandle = try FileHandle(forWritingTo: errorsURL)
  defer {
    try? outputHandle.close()
    try? errorsHandle.close()
  }

  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.standardOutput = outputHandle
  process.standardError = errorsHandle
  let inputPipe = Pipe()
  process.standardInput = inputPipe
  try process.run()
  if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
  try? inputPipe.fileHandleForWriting.close()

  let deadline = Date().addingTimeInterval(timeout)
  while process.isRunning && Date() < deadline {
    usleep(5_000)
  }
  if process.isRunning {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    throw CommandTimedOut(
      description: "\(executable) \(arguments.joined(separator: " ")): still running after "
        + "\(timeout) s, killed")
  }
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus,
    output: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
    errors: (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? "")
}
