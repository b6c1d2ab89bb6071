/// One cell of a `ScreenBuffer`, as read back by widgets, tests and the terminal.
public struct Cell: Hashable, Sendable {
  /// The grapheme shown in the cell; empty for the right half of a wide character.
  public var text: String
  /// Columns taken: 1, 2 for a wide character, 0 for the continuation cell after one.
  public var width: Int
  /// The style the cell is drawn with.
  public var style: Style

  /// Whether this is the right half of a wide character (drawn by the cell to its left).
  public var isContinuation: Bool { width == 0 }
}

/// The buffer's in-memory cell: eight bytes and no references, so that filling, copying and
/// comparing 12 000 of them per frame never touches the heap.
///
/// `code` is the Unicode scalar of a single-scalar grapheme (almost every cell: ASCII, box
/// drawing, blocks), `0` for a continuation, or `clusterFlag | index` into the buffer's side
/// table of multi-scalar graphemes (emoji sequences, letters with combining marks).
struct PackedCell: Equatable {
  var code: UInt32
  var width: UInt8
  var style: Style

  static let clusterFlag: UInt32 = 0x8000_0000
  static let continuationCode: UInt32 = 0

  static func blank(_ style: Style) -> PackedCell {
    PackedCell(code: 0x20, width: 1, style: style)
  }

  static func continuation(_ style: Style) -> PackedCell {
    PackedCell(code: continuationCode, width: 0, style: style)
  }

  var isCluster: Bool { code & Self.clusterFlag != 0 }
  var clusterIndex: Int { Int(code & ~Self.clusterFlag) }
}
