import Testing

@testable import Console

@Suite struct TextWidgetTests {
  @Test func truncateAndPadByDisplayWidth() {
    #expect(TextLayout.truncate("ldom_other", to: 6) == "ldom_…")
    #expect(TextLayout.truncate("漢字漢字", to: 5) == "漢字…")
    #expect(TextLayout.truncate("abc", to: 3) == "abc")
    #expect(TextLayout.truncate("abc", to: 0) == "")
    #expect(TextLayout.pad("ab", to: 5, alignment: .right) == "   ab")
    #expect(TextLayout.pad("ab", to: 5, alignment: .center) == " ab  ")
    #expect(TextLayout.pad("漢字", to: 3) == "漢 ")
  }

  @Test func linesOfSpans() {
    let line = TextLine([
      Span("00:00:01.2", .logTime), Span(" ldom01 ", .logInfo), Span("done", .logSuccess),
    ])
    var buffer = ScreenBuffer(width: 30, height: 2)
    line.draw(into: &buffer, in: buffer.bounds)
    line.draw(into: &buffer, in: Rect(x: 0, y: 1, width: 14, height: 1), ellipsis: "…")
    #expect(buffer.rendered() == "00:00:01.2 ldom01 done\n00:00:01.2 ld…")
    #expect(buffer[0, 0].style == Style(.logTime))
    #expect(buffer[18, 0].style == Style(.logSuccess))
    #expect(buffer[13, 1].style == Style(.logInfo))
  }

  @Test func labelAlignment() {
    let text = render(width: 9, height: 3) { buffer, rect in
      Label("abc", alignment: .left).draw(into: &buffer, in: rect.row(0))
      Label("abc", alignment: .center).draw(into: &buffer, in: rect.row(1))
      Label("abc", alignment: .right).draw(into: &buffer, in: rect.row(2))
    }
    #expect(text == "abc\n   abc\n      abc")
  }

  @Test func scrollViewShowsAWindow() {
    let lines = (1...10).map { TextLine("line \($0)") }
    let text = render(width: 8, height: 3) { buffer, rect in
      ScrollView(lines: lines, offset: 4).draw(into: &buffer, in: rect)
    }
    #expect(text == "line 5\nline 6\nline 7")
    let tail = ScrollView.tailOffset(lineCount: 10, visibleRows: 3)
    #expect(tail == 7)
    #expect(ScrollView.clampedOffset(99, lineCount: 10, visibleRows: 3) == 7)
    #expect(ScrollView.clampedOffset(-5, lineCount: 10, visibleRows: 3) == 0)
    #expect(ScrollView.clampedOffset(3, lineCount: 2, visibleRows: 3) == 0)
    let clamped = render(width: 8, height: 3) { buffer, rect in
      ScrollView(lines: lines, offset: 99).draw(into: &buffer, in: rect)
    }
    #expect(clamped == "line 8\nline 9\nline 10")
  }

  @Test func scrollViewScrollbarAndCutting() {
    let lines = (1...6).map { TextLine("entry number \($0)") }
    let text = render(width: 8, height: 3) { buffer, rect in
      ScrollView(lines: lines, offset: 3, showsScrollbar: true, ellipsis: "…")
        .draw(into: &buffer, in: rect)
    }
    #expect(text == "entry …│\nentry …│\nentry …█")
    for (w, h) in tinySizes() {
      _ = render(width: w, height: h) { buffer, rect in
        ScrollView(lines: lines, offset: 2, showsScrollbar: true).draw(into: &buffer, in: rect)
      }
    }
  }

  @Test func footerDropsWholeItems() {
    let footer = Footer(("m", "migrate"), ("c", "cancel"), ("q", "quit"))
    #expect(
      render(width: 40, height: 1) { footer.draw(into: &$0, in: $1) }
        == " m migrate  c cancel  q quit")
    #expect(
      render(width: 24, height: 1) { footer.draw(into: &$0, in: $1) } == " m migrate  c cancel")
    #expect(render(width: 5, height: 1) { footer.draw(into: &$0, in: $1) } == "")
    var buffer = ScreenBuffer(width: 30, height: 1)
    footer.draw(into: &buffer, in: buffer.bounds)
    #expect(buffer[1, 0].style == Style(.footerKey))
    #expect(buffer[3, 0].style == Style(.footerText))
    #expect(buffer[29, 0].style == Style(.footerText))
  }

  @Test func togglesAndButtons() {
    let text = render(width: 20, height: 2) { buffer, rect in
      Toggle(label: "dry run", isOn: true).draw(into: &buffer, in: rect.row(0))
      Toggle(label: "force", isOn: false, isFocused: true).draw(into: &buffer, in: rect.row(1))
    }
    #expect(text == "[x] dry run\n[ ] force")
    var buffer = ScreenBuffer(width: 10, height: 1)
    Button(title: "OK", isFocused: true).draw(into: &buffer, in: buffer.bounds)
    #expect(buffer.line(0) == "[ OK ]")
    #expect(buffer[0, 0].style == Style(.buttonFocus))
  }
}
