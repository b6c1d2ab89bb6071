import Foundation
import Hypervisor
import LdmCommands
import Testing

/// Where a run's input comes from and how it is written: a script on standard input
/// (`ldm-console run -`), and password files saved on Windows (CRLF, a byte-order mark).
@Suite struct RunInputTests {
  /// Two small hosts, so each migration here is quick.
  static let scenario = """
    hosts:
      - name: a
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
        memory: 4G
        users: { root: secret }
        domains:
        - { name: primary, control: true, vcpus: 1, memory: 1G }
        - { name: small, vcpus: 1, memory: 16M }
      - name: b
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
        memory: 4G
        users: { root: secret }
        domains:
        - { name: primary, control: true, vcpus: 1, memory: 1G }
    """

  struct Run {
    var transcript: [String]
    var errors: [String]
    var status: Int32
  }

  static func run(
    _ script: String, files: [String: FileContents] = [:], standardInput: (() -> String?)?
  ) -> Run {
    var all = files
    all["/work/small.yaml"] = FileContents(text: scenario)
    var transcript: [String] = []
    var errors: [String] = []
    let status = RunMode.run(
      .init(scriptPath: script, scenarioPath: "small.yaml"), files: InMemoryFiles(all),
      workingDirectory: "/work", standardInput: standardInput,
      output: .init(transcript: { transcript.append($0) }, error: { errors.append($0) }))
    return Run(transcript: transcript, errors: errors, status: status)
  }

  static let migration = "ldm migrate -p root.pw small root@b\nb# ldm list small\n"

  /// `-` reads the script from standard input; its password files are found from the working
  /// directory, as there is no script directory.
  @Test func aScriptOnStandardInputRunsAsFromAFile() {
    let password = ["/work/root.pw": FileContents(text: "secret\n")]
    let fromInput = Self.run("-", files: password, standardInput: { Self.migration })
    let fromFile = Self.run(
      "scripts/m.script",
      files: [
        "/work/scripts/m.script": FileContents(text: Self.migration),
        "/work/scripts/root.pw": FileContents(text: "secret\n"),
      ], standardInput: nil)
    #expect(fromInput.errors == [])
    #expect(fromInput.status == 0)
    #expect(fromInput.transcript == fromFile.transcript)
    #expect(fromInput.transcript.contains { $0.hasPrefix("small ") && $0.contains("active") })
  }

  @Test func standardInputProblemsAreOneLineAndExitTwo() {
    let cases: [((() -> String?)?, String)] = [
      ({ "ldm list\nfly away\n" }, "<stdin>:2: unknown directive fly"),
      ({ nil }, "ldm-console run: cannot read script from standard input: not UTF-8 text"),
      (nil, "ldm-console run: no standard input to read the script from"),
    ]
    for (input, message) in cases {
      let run = Self.run("-", standardInput: input)
      #expect(run.status == 2)
      #expect(run.transcript == [])
      #expect(run.errors.count == 1)
      #expect(run.errors.first?.hasPrefix(message) == true, "\(run.errors)")
    }
  }

  /// The password is the first line without its CR or byte-order mark; before, `secret\r\n`
  /// was read as `secret\r\n` and the migration failed to authenticate.
  @Test(arguments: [
    "secret\r\n", "\u{FEFF}secret\r\n", "\u{FEFF}secret\n", "secret\r\nignored\r\n",
    "secret\rignored\r",
  ])
  func aPasswordFileFromWindowsHoldsThePassword(contents: String) {
    let run = Self.run(
      "m.script",
      files: [
        "/work/m.script": FileContents(text: Self.migration),
        "/work/root.pw": FileContents(text: contents),
      ], standardInput: nil)
    #expect(run.status == 0, "\(run.transcript)")
    #expect(!run.transcript.contains { $0.contains("Authentication") })
  }

  /// The same through the real file system, and a wrong password still fails there: the
  /// check above is of the password, not of the file.
  @Test func aPasswordFileFromWindowsOnDisk() throws {
    let directory = NSTemporaryDirectory() + "ldm-run-input-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for (contents, status) in [("\u{FEFF}secret\r\n", Int32(0)), ("\u{FEFF}guess\r\n", 1)] {
      try Data(contents.utf8).write(to: URL(fileURLWithPath: directory + "/root.pw"))
      try FileManager.default.setAttributes(
        [.posixPermissions: 0o600], ofItemAtPath: directory + "/root.pw")
      try Data(Self.scenario.utf8).write(to: URL(fileURLWithPath: directory + "/small.yaml"))
      var transcript: [String] = []
      let code = RunMode.run(
        .init(scriptPath: "-", scenarioPath: "small.yaml"), files: LocalFiles(),
        workingDirectory: directory, standardInput: { Self.migration },
        output: .init(transcript: { transcript.append($0) }, error: { _ in }))
      #expect(code == status, "\(transcript)")
      #expect(transcript.contains("Authentication to b as root failed") == (status == 1))
    }
  }
}
