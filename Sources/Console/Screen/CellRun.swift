/// Consecutive cells of one row, in one style, that the terminal must rewrite.
public struct CellRun: Hashable, Sendable {
  /// One grapheme of a run and the column it starts at.
  public struct Glyph: Hashable, Sendable {
    /// Absolute column.
    public var x: Int
    /// The grapheme (never a control character).
    public var text: String
    /// 1 or 2 columns.
    public var width: Int
  }

  /// Column of the first cell.
  public var x: Int
  /// Row.
  public var y: Int
  /// The style of every cell in the run.
  public var style: Style
  /// The graphemes of the run, concatenated (continuation cells add nothing).
  public var text: String
  /// Columns covered, including the right halves of wide characters.
  public var width: Int
  /// Set when the run holds anything but single-scalar, single-column graphemes; then the
  /// terminal places each glyph at its own column rather than trusting its own width table.
  public var glyphs: [Glyph]

  /// Whether `text` can be written in one call: one scalar and one column per cell.
  public var isSimple: Bool { glyphs.isEmpty }
}

extension ScreenBuffer {
  /// The runs of cells that differ from `previous`, row by row, left to right.
  ///
  /// With no previous frame, or one of another size, every cell is returned (a full redraw).
  /// A changed wide character always includes its right half; a run never starts on one.
  public func changes(from previous: ScreenBuffer?) -> [CellRun] {
    let full = previous.map { $0.width != width || $0.height != height } ?? true
    var runs: [CellRun] = []
    var scratch: [UInt8] = []
    scratch.reserveCapacity(width * 4)
    for y in 0..<height {
      let base = y * width
      var x = 0
      while x < width {
        if !full, sameCell(base + x, as: previous!) {
          x += 1
          continue
        }
        if cells[base + x].width == 0 {
          // A right half whose left half is unchanged, or was already emitted, draws nothing.
          x += 1
          continue
        }
        x = appendRun(
          startingAt: x, row: y, full: full, previous: previous, scratch: &scratch, to: &runs)
      }
    }
    return runs
  }

  private func appendRun(
    startingAt start: Int, row y: Int, full: Bool, previous: ScreenBuffer?,
    scratch utf8: inout [UInt8], to runs: inout [CellRun]
  ) -> Int {
    let base = y * width
    let style = cells[base + start].style
    var glyphs: [CellRun.Glyph] = []
    var simple = true
    var x = start
    utf8.removeAll(keepingCapacity: true)
    while x < width {
      let packed = cells[base + x]
      if x > start {
        if packed.style != style { break }
        if !full, sameCell(base + x, as: previous!) { break }
      }
      let columns = Int(packed.width)
      if !packed.isCluster, columns == 1, simple {
        // The hot path: one scalar, one column, nothing to describe.
        if packed.code < 0x80 {
          utf8.append(UInt8(packed.code))
        } else {
          UTF8.encode(Unicode.Scalar(packed.code)!) { utf8.append($0) }
        }
        x += 1
        continue
      }
      if simple {
        // First complex glyph: describe the simple ones before it too.
        simple = false
        for column in start..<x {
          glyphs.append(CellRun.Glyph(x: column, text: text(of: cells[base + column]), width: 1))
        }
      }
      let glyph = text(of: packed)
      utf8.append(contentsOf: glyph.utf8)
      glyphs.append(CellRun.Glyph(x: x, text: glyph, width: columns))
      // A wide character takes its right half with it (and skips over it).
      x += max(1, min(columns, width - x))
    }
    let text = String(decoding: utf8, as: UTF8.self)
    runs.append(
      CellRun(x: start, y: y, style: style, text: text, width: x - start, glyphs: glyphs))
    return x
  }
}
