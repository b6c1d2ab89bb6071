import Engine
import Foundation
import Hypervisor
import LdmCommands
import Migration
import Testing

/// Rows of `docs/errors.md` that no other test checks: password files on the real file
/// system (permissions, a directory), and a script or scenario that exists but cannot be read.
@Suite struct BadInputTests {
  /// A fresh directory under the system's temporary directory, removed by the caller.
  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ldm-bad-input-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func write(_ text: String, to path: String, mode: Int) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
  }

  /// The file's mode decides the warning: group or others may read it → warned, else not.
  @Test(arguments: [(0o600, false), (0o400, false), (0o640, true), (0o604, true), (0o644, true)])
  func passwordFileModesOnDisk(mode: Int, warned: Bool) throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Self.write("secret\n", to: directory + "/root.pw", mode: mode)
    let contents = try LocalFiles().read("root.pw", relativeTo: directory)
    #expect(contents.readableByOthers == warned)
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false)
    let shell = LdmShell(datacenter: datacenter, files: LocalFiles(), baseDirectory: directory)
    let result = shell.run("ldm migrate -n -p root.pw ldom01 sparc-t4-b", on: "sparc-t4-a")
    let warning = "Warning: password file root.pw is readable by others"
    #expect(result.output.lines.contains(warning) == warned, "\(result.output.lines)")
    for line in result.output.lines { #expect(!line.contains("secret")) }
  }

  /// A missing path, a directory and an empty file, read through the real file system.
  @Test func passwordFileProblemsOnDisk() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(
      atPath: directory + "/folder.pw", withIntermediateDirectories: false)
    try Self.write("", to: directory + "/empty.pw", mode: 0o600)
    let datacenter = try Datacenter(scenario: ScenarioLoader.builtin(), populateMemory: false)
    let shell = LdmShell(datacenter: datacenter, files: LocalFiles(), baseDirectory: directory)
    let cases = [
      ("missing.pw", "Password file missing.pw does not exist"),
      ("folder.pw", "Password file folder.pw cannot be read"),
      ("empty.pw", "Password file empty.pw is empty"),
    ]
    for (file, message) in cases {
      let result = shell.run("ldm migrate -p \(file) ldom01 sparc-t4-b", on: "sparc-t4-a")
      #expect(result == ShellResult(output: .failure(message)))
    }
    #expect(datacenter.running.isEmpty)
  }

  /// A script or scenario that exists but cannot be read is a one-line error, exit status 2.
  @Test func unreadableScriptOrScenario() {
    let files = InMemoryFiles(
      ["/work/ok.script": FileContents(text: "ldm list\n")],
      unreadable: ["/work/locked.script", "/work/locked.yaml"])
    let cases: [(RunMode.Arguments, String)] = [
      (
        .init(scriptPath: "locked.script"),
        "ldm-console run: cannot read script locked.script: cannot be read"
      ),
      (.init(scriptPath: "ok.script", scenarioPath: "locked.yaml"), "locked.yaml: cannot be read"),
    ]
    for (arguments, message) in cases {
      var errors: [String] = []
      var transcript: [String] = []
      let status = RunMode.run(
        arguments, files: files, workingDirectory: "/work",
        output: .init(transcript: { transcript.append($0) }, error: { errors.append($0) }))
      #expect(status == 2)
      #expect(errors == [message])
      #expect(transcript == [])
    }
  }
}
