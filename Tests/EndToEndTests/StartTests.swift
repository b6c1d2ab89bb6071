import Testing

extension EndToEnd {
  @Suite("End to end: start")
  struct StartTests {
    @Test func showsBothHostsTheirDomainsAndTheFooter() async throws {
      let tmux = try TmuxConsole("start")
      defer { tmux.kill() }
      try tmux.startConsole()
      let screen = try await tmux.waitFor(" m migrate")
      #expect(screen.contains("┌ sparc-t4-a"))
      #expect(screen.contains("┌ sparc-t4-b"))
      for domain in ["ldom01", "ldom02", "ldom03", "ldom04", "ldom05", "ldom06"] {
        #expect(screen.contains(domain), "\(domain)\n\(screen)")
      }
      let primaries = screen.split(separator: "\n").filter { $0.contains("primary  active") }
      #expect(primaries.count == 1)
      #expect(primaries.first?.components(separatedBy: "-n-cv-").count == 3, "\(screen)")
      for key in ["m migrate", "c cancel", ": ldm", "? help", "q quit"] {
        #expect(screen.contains(key), "footer lacks \(key)\n\(screen)")
      }
    }
  }
}
