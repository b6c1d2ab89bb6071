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
    for y in 0..<height {
      let base = y * width
      var x = 0
      while x < width {
        if !full, sameCell(base + x, as: previous!) {
          x += 1
          continue
        }
        if cells[base + x].width == 0 {
          // Only the right half changed (its left half was emitted or is unchanged): its left
          // half already draws it.
          x += 1
          continue
        }
        x = appendRun(startingAt: x, row: y, full: full, previous: previous, to: &runs)
      }
    }
    return runs
  }

  private func appendRun(
    startingAt start: Int, row y: Int, full: Bool, previous: ScreenBuffer?,
    to runs: inout [CellRun]
  ) -> Int {
    let base = y * width
    let style = cells[base + start].style
    var run = CellRun(x: start, y: y, style: style, text: "", width: 0, glyphs: [])
    var simple = true
    var x = start
    while x < width {
      let packed = cells[base + x]
      if x > start {
        if packed.style != style { break }
        if !full, sameCell(base + x, as: previous!) { break }
      }
      let columns = Int(packed.width)
      let glyph: String
      if packed.isCluster {
        glyph = clusters[packed.clusterIndex]
        run.text += glyph
      } else {
        let scalar = Unicode.Scalar(packed.code)!
        run.text.unicodeScalars.append(scalar)
        if simple, columns == 1 {
          x += 1
          run.width += 1
          continue
        }
        glyph = String(Character(scalar))
      }
      if simple {
        // First complex glyph: describe the simple ones before it too.
        simple = false
        for (offset, scalar) in run.text.unicodeScalars.prefix(x - start).enumerated() {
          run.glyphs.append(CellRun.Glyph(x: start + offset, text: String(scalar), width: 1))
        }
      }
      run.glyphs.append(CellRun.Glyph(x: x, text: glyph, width: columns))
      // A wide character takes its right half with it (and skips over it).
      let step = max(1, min(columns, width - x))
      x += step
      run.width += step
    }
    runs.append(run)
    return x
  }
}
