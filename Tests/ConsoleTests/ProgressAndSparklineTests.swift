import Testing

@testable import Console

@Suite struct ProgressBarTests {
  private func bar(_ fraction: Double, width: Int, label: Bool = true, glyphs: GlyphSet = .unicode)
    -> String
  {
    render(width: width, height: 1) { buffer, rect in
      let label = label ? ProgressBar.percentLabel(fraction) : nil
      ProgressBar(fraction: fraction, label: label, glyphs: glyphs).draw(into: &buffer, in: rect)
    }
  }

  @Test func eighthBlocksAndLabel() {
    #expect(bar(0.63, width: 20) == "▕████████▊░░░░░▏ 63%")
    #expect(bar(0, width: 12) == "▕░░░░░░▏  0%")
    #expect(bar(1, width: 12) == "▕██████▏100%")
    #expect(bar(0.5, width: 10, label: false) == "▕████░░░░▏")
    #expect(bar(0.0625, width: 6, label: false) == "▕▎░░░▏")
  }

  @Test func outOfRangeValuesAreClamped() {
    #expect(bar(-1, width: 8, label: false) == "▕░░░░░░▏")
    #expect(bar(7, width: 8, label: false) == "▕██████▏")
    #expect(bar(.nan, width: 8, label: false) == "▕░░░░░░▏")
    #expect(ProgressBar.percentLabel(0.999) == " 99%")
    #expect(ProgressBar.percentLabel(.infinity) == "100%")
  }

  @Test func asciiRoundsDown() {
    #expect(bar(0.63, width: 15, glyphs: .ascii) == "[#####....] 63%")
  }

  @Test func narrowBarsDropLabelThenCaps() {
    #expect(bar(0.5, width: 6) == "▕██░░▏")
    #expect(bar(0.5, width: 3) == "█▌░")
    #expect(bar(0.5, width: 1) == "▌")
    for (w, h) in tinySizes(upTo: 6, 2) {
      _ = render(width: w, height: h) { buffer, rect in
        ProgressBar(fraction: 0.5, label: " 50%").draw(into: &buffer, in: rect)
      }
    }
  }

  @Test func rolesOfTheParts() {
    var buffer = ScreenBuffer(width: 10, height: 1)
    ProgressBar(fraction: 0.5, label: "50%", labelRole: .statValue)
      .draw(into: &buffer, in: buffer.bounds)
    #expect(buffer[1, 0].style == Style(.progressDone))
    #expect(buffer[4, 0].style == Style(.progressTodo))
    #expect(buffer[9, 0].style == Style(.statValue))
  }
}

@Suite struct SparklineTests {
  @Test func scalesToEightLevels() {
    let text = render(width: 10, height: 1) { buffer, rect in
      Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7]).draw(into: &buffer, in: rect)
    }
    #expect(text == "▁▂▃▄▅▆▇█")
  }

  @Test func showsTheNewestValuesThatFit() {
    let text = render(width: 3, height: 1) { buffer, rect in
      Sparkline(values: [9, 9, 9, 0, 5, 10], maximum: 10).draw(into: &buffer, in: rect)
    }
    #expect(text == "▁▅█")
  }

  @Test func oddValuesAndAscii() {
    let sparkline = Sparkline(values: [.nan, -3, .infinity, 0, 20], maximum: 10, glyphs: .ascii)
    #expect(sparkline.levels(width: 10) == [0, 0, 0, 0, 7])
    #expect(Sparkline(values: [0, 0]).levels(width: 5) == [0, 0])
    #expect(render(width: 0, height: 0) { Sparkline(values: [1]).draw(into: &$0, in: $1) } == "")
  }
}
