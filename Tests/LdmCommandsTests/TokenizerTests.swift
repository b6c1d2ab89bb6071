import LdmCommands
import Testing

@Suite struct TokenizerTests {
  @Test func splitsOnBlanksAndHonoursQuotes() throws {
    #expect(
      try Tokenizer.words("ldm  list\t-l 'a b' \"c d\" e\\ f") == [
        "ldm", "list", "-l", "a b", "c d", "e f",
      ])
    #expect(try Tokenizer.words("") == [])
    #expect(try Tokenizer.words("''") == [""])
  }

  @Test func refusesUnterminatedQuotes() {
    #expect(throws: Tokenizer.Failure(message: "unterminated ' quote")) {
      try Tokenizer.words("ldm list 'ldom01")
    }
    #expect(throws: Tokenizer.Failure(message: "line ends with a lone backslash")) {
      try Tokenizer.words("ldm list \\")
    }
  }
}
