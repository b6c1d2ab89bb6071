import Testing

@testable import Migration

/// A target remembers which halves resumed, so that a source left with the error flag by a
/// lost link learns where its domain runs. It remembers the latest 1024, however many came
/// before them.
@Suite struct RecoveryMemoryTests {
  @Test func theLatestResumesAreRememberedAfterThousands() {
    let policy = DestinationPolicy(hostHasDomain: { _ in true })
    // Tokens as a manager hands them out: spread over all 64 bits.
    var token: UInt64 = 0x1234_5678_9ABC_DEF1
    var tokens: [UInt64] = []
    for index in 0..<3_000 {
      token &+= 0x9E37_79B9_7F4A_7C15
      tokens.append(token)
      policy.resumed(token, "ldom\(index)")
      // The one that just resumed is always known (it was forgotten at once before).
      #expect(policy.recovery(token, "ldom\(index)") == .resumed, "resume \(index)")
    }
    for (index, token) in tokens.enumerated().suffix(1024) {
      #expect(policy.recovery(token, "ldom\(index)") == .resumed)
    }
    #expect(policy.recovery(tokens[0], "ldom0") == .absent)
    #expect(policy.recovery(tokens[3_000 - 1024 - 1], "ldom\(3_000 - 1024 - 1)") == .absent)
    #expect(policy.resumedTokens.count == 1024)
  }
}
