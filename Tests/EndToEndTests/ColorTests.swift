import Foundation
import Testing

extension EndToEnd {
  /// Colour as the terminal receives it: tmux keeps each cell's colour, and `capture-pane -e`
  /// gives it back as SGR sequences.
  @Suite("End to end: colour")
  struct ColorTests {
    /// A direct-colour (truecolour) terminfo entry, as ncurses ships it as `xterm-direct`, which
    /// this machine's terminfo lacks: compiled into a directory of the test's own with `tic`.
    static func directColorTerminfo() throws -> String {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("ldm-terminfo-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let source = directory + "/xterm-direct.src"
      try """
      xterm-direct|xterm with direct-color indexing,
      \tRGB, colors#0x1000000, pairs#0x10000, initc@, ccc@, oc@,
      \tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e48\\:2\\:\\:%p1%{65536}%/%d\\:%p1%{256}%/%{255}%&%d\\:%p1%{255}%&%d%;m,
      \tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e38\\:2\\:\\:%p1%{65536}%/%d\\:%p1%{256}%/%{255}%&%d\\:%p1%{255}%&%d%;m,
      \tuse=xterm-256color,

      """.write(toFile: source, atomically: true, encoding: .utf8)
      let tic = Process()
      tic.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      tic.arguments = ["tic", "-x", "-o", directory, source]
      try tic.run()
      tic.waitUntilExit()
      guard tic.terminationStatus == 0 else {
        throw EndToEndFailure(description: "tic failed with status \(tic.terminationStatus)")
      }
      return directory
    }

    @Test func aDirectColourTerminalGetsTheThemesOwnRGB() async throws {
      let terminfo = try Self.directColorTerminfo()
      defer { try? FileManager.default.removeItem(atPath: terminfo) }
      let tmux = try TmuxConsole("truecolour")
      defer { tmux.kill() }
      // amber: text is #ffb000 on #000000.
      try tmux.startConsole(
        arguments: "--theme amber",
        environment: "TERMINFO='\(terminfo)' TERM=xterm-direct LANG=C.UTF-8")
      try await tmux.waitFor(" m migrate")
      let colours = try tmux.run(["capture-pane", "-e", "-p", "-t", "0"])
      #expect(colours.contains("38;2;255;176;0"), "\(colours.prefix(600))")
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
    }

    @Test func aPaletteTerminalGetsTheNearestOf256() async throws {
      let tmux = try TmuxConsole("palette")
      defer { tmux.kill() }
      try tmux.startConsole(arguments: "--theme amber")
      try await tmux.waitFor(" m migrate")
      let colours = try tmux.run(["capture-pane", "-e", "-p", "-t", "0"])
      // #ffb000 is nearest to 214 (#ffaf00) of the xterm palette; no RGB is sent.
      #expect(colours.contains("38;5;214"), "\(colours.prefix(600))")
      #expect(!colours.contains("38;2;"), "\(colours.prefix(600))")
      try tmux.keys("q")
      expectCleanTerminal(try await tmux.waitForExit())
    }
  }
}
