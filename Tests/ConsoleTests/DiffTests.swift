import Testing

@testable import Console

@Suite struct DiffTests {
  private func frame(_ lines: [String], width: Int = 8) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: width, height: lines.count)
    for (y, line) in lines.enumerated() { buffer.put(line, x: 0, y: y) }
    return buffer
  }

  @Test func noPreviousFrameRedrawsEverything() {
    let buffer = frame(["ab", "cd"], width: 3)
    let runs = buffer.changes(from: nil)
    #expect(runs.map(\.text) == ["ab ", "cd "])
    #expect(runs.allSatisfy { $0.isSimple })
    #expect(runs.map(\.width) == [3, 3])
  }

  @Test func identicalFramesHaveNoChanges() {
    #expect(frame(["hello", "漢字🚀"]).changes(from: frame(["hello", "漢字🚀"])).isEmpty)
    #expect(frame(["e\u{301}"]).changes(from: frame(["e\u{301}"])).isEmpty)
  }

  @Test func onlyChangedCellsAreWritten() {
    let old = frame(["status: ok", "xxxx"], width: 12)
    let new = frame(["status: no", "xxxx"], width: 12)
    let runs = new.changes(from: old)
    #expect(runs == [CellRun(x: 8, y: 0, style: .text, text: "no", width: 2, glyphs: [])])
  }

  @Test func runsBreakAtStyleChangesAndUnchangedCells() {
    let old = frame(["aaaaaa"])
    var new = frame(["bbabbb"])
    new.restyle(Rect(x: 4, y: 0, width: 2, height: 1), style: Style(.selection))
    let runs = new.changes(from: old)
    #expect(runs.map(\.x) == [0, 3, 4])
    #expect(runs.map(\.text) == ["bb", "b", "bb"])
    #expect(runs[2].style == Style(.selection))
  }

  @Test func aStyleChangeAloneIsAChange() {
    let old = frame(["abc"])
    var new = old
    new.restyle(Rect(x: 1, y: 0, width: 1, height: 1), style: Style(.text, .bold))
    #expect(new.changes(from: old).map(\.text) == ["b"])
  }

  @Test func sizeChangeRedrawsEverything() {
    let runs = frame(["ab"], width: 4).changes(from: frame(["ab"], width: 5))
    #expect(runs.map(\.text) == ["ab  "])
  }

  @Test func wideCharactersCarryTheirColumns() {
    let old = frame(["abcdef"])
    let new = frame(["a漢🚀f"])
    let runs = new.changes(from: old)
    #expect(runs.count == 1)
    let run = runs[0]
    #expect(run.x == 1)
    #expect(run.text == "漢🚀")
    #expect(run.width == 4)
    #expect(!run.isSimple)
    #expect(run.glyphs.map(\.x) == [1, 3])
    #expect(run.glyphs.map(\.width) == [2, 2])
  }

  @Test func replacingAWideCharacterWithNarrowOnes() {
    let old = frame(["漢字"])
    let new = frame(["ab字"])
    let runs = new.changes(from: old)
    #expect(runs.map(\.text) == ["ab"])
    #expect(runs[0].isSimple)
  }

  @Test func glyphsOfAMixedRunIncludeTheSimpleOnes() {
    let runs = frame(["ab漢"], width: 4).changes(from: nil)
    #expect(runs[0].glyphs.map(\.text) == ["a", "b", "漢"])
    #expect(runs[0].glyphs.map(\.x) == [0, 1, 2])
  }

  @Test func differentClustersAreCompared() {
    let old = frame(["👍🏽"])
    let new = frame(["👍🏿"])
    #expect(new.changes(from: old).map(\.text) == ["👍🏿"])
    #expect(new != old)
  }
}
