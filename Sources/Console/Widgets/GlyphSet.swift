/// The characters widgets draw structure with, so the console also works without UTF-8.
///
/// The caller picks `.unicode` when the locale's codeset is UTF-8 and `.ascii` otherwise.
public struct GlyphSet: Hashable, Sendable {
  public var horizontal: Character
  public var vertical: Character
  public var topLeft: Character
  public var topRight: Character
  public var bottomLeft: Character
  public var bottomRight: Character
  /// `├`: where a divider meets the left edge.
  public var teeRight: Character
  /// `┤`: where a divider meets the right edge.
  public var teeLeft: Character
  /// A full progress cell.
  public var progressFull: Character
  /// Partial progress cells for 1/8 … 7/8; empty when the set has none (fill rounds instead).
  public var progressEighths: [Character]
  /// An empty progress cell.
  public var progressEmpty: Character
  public var progressLeftCap: Character
  public var progressRightCap: Character
  /// Eight sparkline levels, lowest first.
  public var sparkLevels: [Character]
  /// Scrollbar track and thumb.
  public var scrollTrack: Character
  public var scrollThumb: Character
  /// Phase marks: done, current, pending, failed.
  public var done: String
  public var current: String
  public var pending: String
  public var failed: String
  /// Marks text cut short.
  public var ellipsis: String
  /// Points from a source to a target (`ldom01 → sparc-t4-b`).
  public var arrow: String
  /// Separates items on one line (`812 MiB sent · 96 MiB left`).
  public var separator: String

  /// Box drawing, eighth blocks and marks from Unicode.
  public static let unicode = GlyphSet(
    horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
    bottomRight: "┘", teeRight: "├", teeLeft: "┤", progressFull: "█",
    progressEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], progressEmpty: "░",
    progressLeftCap: "▕", progressRightCap: "▏",
    sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], scrollTrack: "│", scrollThumb: "█",
    done: "✓", current: "▶", pending: "·", failed: "✗", ellipsis: "…", arrow: "→",
    separator: "·")

  /// Plain ASCII for terminals and locales without UTF-8.
  public static let ascii = GlyphSet(
    horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
    bottomRight: "+", teeRight: "+", teeLeft: "+", progressFull: "#", progressEighths: [],
    progressEmpty: ".", progressLeftCap: "[", progressRightCap: "]",
    sparkLevels: [".", ":", "-", "=", "+", "*", "#", "@"], scrollTrack: "|", scrollThumb: "#",
    done: "+", current: ">", pending: ".", failed: "x", ellipsis: "~", arrow: "->",
    separator: "-")
}
