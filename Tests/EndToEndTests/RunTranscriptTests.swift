import Foundation
import Testing

extension EndToEnd {
  /// `ldm-console run` as a pipeline sees it: the transcript is written line by line as the
  /// script runs, so an interrupted run keeps what already ran, and `-` reads the script from
  /// standard input. No tmux: the run mode needs no terminal.
  @Suite("End to end: run transcript and standard input", .serialized)
  struct RunTranscriptTests {
    /// A fresh directory with a private `root.pw`, removed by the caller.
    static func directory() throws -> String {
      let path = NSTemporaryDirectory() + "ldm-run-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      try Data("secret\n".utf8).write(to: URL(fileURLWithPath: path + "/root.pw"))
      try FileManager.default.setAttributes(
        [.posixPermissions: 0o600], ofItemAtPath: path + "/root.pw")
      return path
    }

    static func contents(_ path: String) -> String {
      (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Lines that print at once, then foreground migrations back and forth, far more than the
    /// test waits for: the run is still migrating when it is interrupted.
    static let script =
      "psrinfo -pv\nsparc-t4-a# ldm list ldom01\n"
      + String(
        repeating: "ldm migrate -p root.pw ldom01 root@sparc-t4-b\n"
          + "sparc-t4-b# ldm migrate -p root.pw ldom01 root@sparc-t4-a\n", count: 500)

    /// Before, `print` to a file or pipe was block-buffered and a signal ended the run with
    /// nothing written; now every line that ran is in the file, and every event line too. In
    /// tmux, so the run has a terminal's Ctrl-C and the signals a shell gives it (the test
    /// process blocks them in every child it spawns itself).
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedRunKeepsWhatAlreadyRan(signal: Int32) async throws {
      let directory = try Self.directory()
      defer { try? FileManager.default.removeItem(atPath: directory) }
      try Data(Self.script.utf8).write(to: URL(fileURLWithPath: directory + "/long.script"))
      let transcriptPath = directory + "/transcript.txt"
      let eventsPath = directory + "/events.jsonl"
      let tmux = try TmuxConsole("run-\(signal)")
      defer { tmux.kill() }
      try tmux.typeLine(
        "cd '\(directory)' && LANG=C.UTF-8 '\(tmux.binary)' run --events events.jsonl long.script"
          + " > transcript.txt")
      // The echo of the first migration (the lines before it have run, the migration has begun)
      // and its first event line: on a loaded machine the signal could otherwise come between
      // the two, before the run had an event to write.
      let migrating = "sparc-t4-a# ldm migrate -p root.pw ldom01 root@sparc-t4-b\n"
      let deadline = Date().addingTimeInterval(60)
      while !Self.contents(transcriptPath).contains(migrating)
        || !Self.contents(eventsPath).contains("\n"), Date() < deadline
      {
        try await Task.sleep(for: .milliseconds(20))
      }
      let seen = Self.contents(transcriptPath)
      try #require(
        seen.contains(migrating), "no transcript while the run was going on; the file held: \(seen)"
      )
      try #require(
        Self.contents(eventsPath).contains("\n"), "no event line while the migration was going on")
      if signal == SIGINT {
        try tmux.keys("C-c")
      } else {
        #expect(kill(try tmux.consolePID(), signal) == 0)
      }
      // bash drops the rest of a command line whose command Ctrl-C ended, so the status is asked
      // for on a line of its own, once the run is gone (typed earlier, Ctrl-C would discard it).
      let gone = Date().addingTimeInterval(30)
      while tmux.paneProcesses().count > 1, Date() < gone {
        try await Task.sleep(for: .milliseconds(20))
      }
      try tmux.typeLine(TmuxConsole.afterExit)
      let exit = try await tmux.waitForExit()
      // A shell's status for a process a signal ended; 0 or 1 would mean the run had finished.
      #expect(exit.status == 128 + Int(signal))
      let kept = Self.contents(transcriptPath)
      #expect(kept.hasPrefix("sparc-t4-a# psrinfo -pv\nThe physical processor has 8 virtual"))
      #expect(kept.contains("sparc-t4-a# ldm list ldom01\nNAME "))
      #expect(kept.contains(migrating))
      #expect(kept.hasSuffix("\n"), "a line was cut: \(kept.suffix(80))")
      let events = Self.contents(eventsPath).split(
        separator: "\n", omittingEmptySubsequences: false)
      #expect(events.count > 1, "no events while the migration ran")
      #expect(events.last == "", "an event line was cut")
      for line in events.dropLast() { #expect(line.hasPrefix("{") && line.hasSuffix("}")) }
    }

    /// `ldm-console run -` reads the script from standard input; password files are found from
    /// the working directory.
    @Test func aScriptOnStandardInput() throws {
      let directory = try Self.directory()
      defer { try? FileManager.default.removeItem(atPath: directory) }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try ConsoleBinary.path())
      process.arguments = ["run", "-"]
      process.currentDirectoryURL = URL(fileURLWithPath: directory)
      process.environment = ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
      let input = Pipe()
      let output = Pipe()
      let errors = Pipe()
      process.standardInput = input
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      // A script saved on Windows, to show the two meet.
      let script = "\u{FEFF}ldm migrate -n -p root.pw ldom01 root@sparc-t4-b\r\nldm list ldom01\r\n"
      try input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
      try input.fileHandleForWriting.close()
      let transcript = String(
        decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      let problems = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(transcript)\(problems)")
      #expect(problems == "")
      let lines = transcript.split(separator: "\n").map(String.init)
      #expect(
        Array(lines.prefix(3)) == [
          "sparc-t4-a# ldm migrate -n -p root.pw ldom01 root@sparc-t4-b",
          "sparc-t4-a# ldm list ldom01",
          "NAME             STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME",
        ])
    }
  }
}
