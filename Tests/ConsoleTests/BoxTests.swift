import Testing

@testable import Console

@Suite struct BoxTests {
  @Test func borderAndTitle() {
    let text = render(width: 16, height: 4) { buffer, rect in
      let inner = Box(title: "ldom01").draw(into: &buffer, in: rect)
      #expect(inner == Rect(x: 1, y: 1, width: 14, height: 2))
      buffer.put("inside", x: inner.x, y: inner.y)
    }
    #expect(
      text == """
        ┌ ldom01 ──────┐
        │inside        │
        │              │
        └──────────────┘
        """)
  }

  @Test func longTitleIsCut() {
    let text = render(width: 10, height: 2) { buffer, rect in
      Box(title: "sparc-t4-a · SPARC-T4").draw(into: &buffer, in: rect)
    }
    #expect(text == "┌ sparc… ┐\n└────────┘")
  }

  @Test func asciiGlyphsAndDivider() {
    let text = render(width: 12, height: 5) { buffer, rect in
      let box = Box(glyphs: .ascii)
      box.draw(into: &buffer, in: rect)
      box.drawDivider(into: &buffer, row: 2, in: rect, title: "Log")
    }
    #expect(
      text == """
        +----------+
        |          |
        + Log -----+
        |          |
        +----------+
        """)
  }

  @Test func focusAndTitleUseTheirRoles() {
    var buffer = ScreenBuffer(width: 10, height: 3)
    Box(title: "x", isFocused: true).draw(into: &buffer, in: buffer.bounds)
    #expect(buffer[0, 0].style == Style(.borderFocus))
    #expect(buffer[2, 0].style == Style(.title))
  }

  @Test func degenerateSizes() {
    #expect(render(width: 5, height: 1) { Box(title: "t").draw(into: &$0, in: $1) } == "─────")
    #expect(render(width: 1, height: 2) { Box().draw(into: &$0, in: $1) } == "│\n│")
    #expect(render(width: 2, height: 2) { Box(title: "t").draw(into: &$0, in: $1) } == "┌┐\n└┘")
    for (w, h) in tinySizes() {
      _ = render(width: w, height: h) { buffer, rect in
        let inner = Box(title: "title").draw(into: &buffer, in: rect)
        #expect(inner.width >= 0 && inner.height >= 0)
        Box().drawDivider(into: &buffer, row: 1, in: rect, title: "Log")
      }
    }
  }
}
