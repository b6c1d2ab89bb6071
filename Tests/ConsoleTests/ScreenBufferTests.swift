import Testing

@testable import Console

@Suite struct ScreenBufferTests {
  @Test func asciiTextIsClippedToTheRect() {
    var buffer = ScreenBuffer(width: 10, height: 3)
    let end = buffer.put("hello world", x: 1, y: 1, clip: Rect(x: 0, y: 0, width: 8, height: 3))
    #expect(buffer.rendered() == "\n hello w\n")
    #expect(end >= 8)
    buffer.put("abc", x: -2, y: 0)
    #expect(buffer.line(0) == "c")
  }

  @Test func rowsOutsideTheClipAreIgnored() {
    var buffer = ScreenBuffer(width: 4, height: 2)
    #expect(buffer.put("xy", x: 0, y: 5) == 2)
    buffer.put("xy", x: 0, y: 1, clip: Rect(x: 0, y: 0, width: 4, height: 1))
    #expect(buffer.rendered() == "\n")
  }

  @Test func wideCharactersTakeTwoCells() {
    var buffer = ScreenBuffer(width: 8, height: 1)
    let end = buffer.put("a漢字b", x: 0, y: 0)
    #expect(end == 6)
    #expect(buffer.line(0) == "a漢字b")
    #expect(buffer[1, 0].width == 2)
    #expect(buffer[2, 0].isContinuation)
    #expect(buffer[5, 0].text == "b")
  }

  @Test func wideCharacterThatDoesNotFitBecomesASpace() {
    var buffer = ScreenBuffer(width: 4, height: 1)
    buffer.put("abc漢", x: 0, y: 0)
    #expect(buffer[3, 0].text == " ")
    #expect(buffer[3, 0].width == 1)
    var clipped = ScreenBuffer(width: 6, height: 1)
    clipped.put("漢字", x: -1, y: 0)
    #expect(clipped[0, 0].text == " ")
    #expect(clipped[1, 0].text == "字")
  }

  @Test func emojiAndFlagsAreWide() {
    var buffer = ScreenBuffer(width: 10, height: 1)
    let end = buffer.put("🚀👍🏽🇫🇷❤️x", x: 0, y: 0)
    #expect(end == 9)
    #expect(buffer[2, 0].text == "👍🏽")
    #expect(buffer[4, 0].text == "🇫🇷")
    #expect(buffer[6, 0].text == "❤️")
    #expect(buffer[8, 0].text == "x")
  }

  @Test func combiningMarksAttachToTheirBase() {
    var buffer = ScreenBuffer(width: 6, height: 1)
    let end = buffer.put("e\u{301}te\u{301}", x: 0, y: 0)
    #expect(end == 3)
    #expect(buffer[0, 0].text == "e\u{301}")
    #expect(buffer[2, 0].text == "e\u{301}")
    #expect(buffer.put("\u{301}", x: 4, y: 0) == 4)
  }

  @Test func controlCharactersNeverReachTheScreen() {
    var buffer = ScreenBuffer(width: 20, height: 1)
    buffer.put("a\u{1B}[31mb\tc\u{7F}\u{9B}\r\n", x: 0, y: 0)
    #expect(buffer.line(0) == "a?[31mb?c????")
    var unicode = ScreenBuffer(width: 20, height: 1)
    unicode.put("é\u{1B}x\u{202E}y\r\n", x: 0, y: 0)
    #expect(unicode.line(0) == "é?x?y??")
  }

  @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
    var buffer = ScreenBuffer(width: 6, height: 1)
    buffer.put("漢字", x: 0, y: 0)
    buffer.put("x", x: 1, y: 0)
    #expect(buffer.line(0) == " x字")
    buffer.put("y", x: 2, y: 0)
    #expect(buffer.line(0) == " xy")
    #expect(buffer[3, 0].text == " ")
    buffer.put("字", x: 3, y: 0)
    buffer.put("漢", x: 2, y: 0)
    #expect(buffer.line(0) == " x漢")
    #expect(!buffer[4, 0].isContinuation)
  }

  @Test func fillAndRestyle() {
    var buffer = ScreenBuffer(width: 5, height: 3)
    buffer.fill(Rect(x: 1, y: 1, width: 10, height: 1), with: "-", style: Style(.border))
    #expect(buffer.rendered() == "\n ----\n")
    #expect(buffer[4, 1].style == Style(.border))
    buffer.put("漢", x: 0, y: 2)
    buffer.restyle(Rect(x: 1, y: 2, width: 2, height: 1), style: Style(.selection))
    #expect(buffer[0, 2].style == Style(.selection))
    #expect(buffer[3, 2].style == Style(.text))
    buffer.fill(Rect(x: 0, y: 0, width: 5, height: 1), with: "字")
    #expect(buffer.line(0) == "字字")
  }

  @Test func zeroSizedBuffersAreHarmless() {
    var buffer = ScreenBuffer(width: 0, height: 0)
    buffer.put("abc", x: 0, y: 0)
    buffer.fill(Rect(x: 0, y: 0, width: 3, height: 3))
    #expect(buffer.rendered().isEmpty)
    #expect(buffer.changes(from: nil).isEmpty)
  }

  @Test func displayWidths() {
    #expect(DisplayWidth.of("abc") == 3)
    #expect(DisplayWidth.of("漢字") == 4)
    #expect(DisplayWidth.of("ｈｉ") == 4)
    #expect(DisplayWidth.of("é") == 1)
    #expect(DisplayWidth.of("✓ ▶ · ✗") == 7)
    #expect(DisplayWidth.of("한국어") == 6)
    #expect(DisplayWidth.of(Character("\u{200B}")) == 0)
    #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
  }
}
