import Testing

@testable import Console

@Suite struct FormWidgetTests {
  @Test func textInputEditing() {
    var input = TextInput("root@host")
    #expect(input.cursor == 9)
    input.apply(.home)
    input.apply(.delete)
    input.apply(.character("R"))
    #expect(input.value == "Root@host")
    #expect(input.cursor == 1)
    input.apply(.end)
    input.apply(.backspace)
    input.apply(.character("é"))
    #expect(input.value == "Root@hosé")
    input.apply(.ctrl("w"))
    #expect(input.value.isEmpty)
    #expect(input.apply(.enter) == false)
    input.apply(.character("\u{1B}"))
    #expect(input.value.isEmpty)
    var kill = TextInput("abc def", cursor: 3)
    kill.apply(.ctrl("k"))
    #expect(kill.value == "abc")
    kill.apply(.left)
    kill.apply(.ctrl("u"))
    #expect(kill.value == "c" && kill.cursor == 0)
  }

  @Test func textFieldWithLabelAndCursor() {
    var buffer = ScreenBuffer(width: 30, height: 1)
    let field = TextField(label: "Target: ", input: TextInput("sparc-t4-b"), isFocused: true)
    field.draw(into: &buffer, in: buffer.bounds)
    #expect(buffer.line(0) == "Target: sparc-t4-b")
    #expect(buffer[8, 0].style == Style(.inputFocus))
    #expect(buffer[18, 0].style == Style(.input, .reverse))
    #expect(buffer[29, 0].style == Style(.inputFocus))
  }

  @Test func maskedFieldNeverShowsThePassword() {
    let secret = "s3cr3t-pw"
    var buffer = ScreenBuffer(width: 30, height: 1)
    TextField(label: "Target Password: ", input: TextInput(secret), isMasked: true, isFocused: true)
      .draw(into: &buffer, in: buffer.bounds)
    #expect(buffer.line(0) == "Target Password: *********")
    #expect(!buffer.rendered().contains("s3cr3t"))
    #expect(buffer.changes(from: nil).allSatisfy { !$0.text.contains("s3") })
  }

  @Test func longValuesScrollToKeepTheCursorVisible() {
    let text = render(width: 6, height: 1) { buffer, rect in
      TextField(input: TextInput("abcdefghij"), isFocused: true).draw(into: &buffer, in: rect)
    }
    #expect(text == "fghij")
    let start = render(width: 6, height: 1) { buffer, rect in
      TextField(input: TextInput("abcdefghij", cursor: 0), isFocused: true)
        .draw(into: &buffer, in: rect)
    }
    #expect(start == "abcdef")
    for (w, h) in tinySizes() {
      _ = render(width: w, height: h) { buffer, rect in
        TextField(label: "Pw: ", input: TextInput("漢字"), isMasked: false, isFocused: true)
          .draw(into: &buffer, in: rect)
      }
    }
  }

  @Test func wideValuesScrollToKeepTheCursorVisible() {
    // 14 characters, 20 columns: longer than the 10-column field.
    let value = "ldm 漢字🚀 ab 漢字🚀"
    let end = render(width: 10, height: 1) { buffer, rect in
      TextField(input: TextInput(value), isFocused: true).draw(into: &buffer, in: rect)
    }
    #expect(end == "ab 漢字🚀")
    let middle = render(width: 10, height: 1) { buffer, rect in
      TextField(input: TextInput(value, cursor: 9), isFocused: true).draw(into: &buffer, in: rect)
    }
    #expect(middle.hasSuffix("ab"), "\(middle)")
    // Every cursor position draws the character under the cursor, reversed.
    for cursor in 0...value.count {
      var buffer = ScreenBuffer(width: 10, height: 1)
      TextField(input: TextInput(value, cursor: cursor), isFocused: true)
        .draw(into: &buffer, in: buffer.bounds)
      let reversed = (0..<10).filter { buffer[$0, 0].style == Style(.input, .reverse) }
      #expect(!reversed.isEmpty, "cursor \(cursor): \(buffer.line(0))")
    }
  }

  @Test func dialogIsCentredAndClearsUnderIt() {
    let text = render(width: 20, height: 7) { buffer, rect in
      buffer.fill(rect, with: "x")
      let content = Dialog(title: "Cancel?", width: 14, height: 5).draw(into: &buffer, in: rect)
      #expect(content == Rect(x: 5, y: 2, width: 10, height: 3))
      Label("ldom01", role: .dialog).draw(into: &buffer, in: content)
    }
    #expect(
      text == """
        xxxxxxxxxxxxxxxxxxxx
        xxx┌ Cancel? ───┐xxx
        xxx│ ldom01     │xxx
        xxx│            │xxx
        xxx│            │xxx
        xxx└────────────┘xxx
        xxxxxxxxxxxxxxxxxxxx
        """)
    for (w, h) in tinySizes() {
      _ = render(width: w, height: h) { buffer, rect in
        Dialog(title: "t", width: 30, height: 9).draw(into: &buffer, in: rect)
      }
    }
  }

  @Test func keyEventsFromCharacterCodes() {
    #expect(KeyEvent(characterCode: 0x09) == .tab)
    #expect(KeyEvent(characterCode: 0x0D) == .enter)
    #expect(KeyEvent(characterCode: 0x7F) == .backspace)
    #expect(KeyEvent(characterCode: 0x1B) == .escape)
    #expect(KeyEvent(characterCode: 0x03) == .ctrl("c"))
    #expect(KeyEvent(characterCode: 0x71) == .character("q"))
    #expect(KeyEvent(characterCode: 0x6F22) == .character("漢"))
    #expect(KeyEvent(characterCode: 0xD800) == nil)
    #expect(KeyEvent(characterCode: 0) == nil)
  }
}
