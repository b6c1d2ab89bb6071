/// A rectangle of terminal cells: origin at the top-left, sizes never negative.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  /// A rectangle; negative sizes are clamped to zero so layout arithmetic never has to.
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// An empty rectangle at the origin.
  public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  public var minX: Int { x }
  public var minY: Int { y }
  /// One past the last column.
  public var maxX: Int { x + width }
  /// One past the last row.
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }

  public var description: String { "(\(x),\(y) \(width)x\(height))" }

  /// Whether the cell at (`px`, `py`) lies inside.
  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < maxX && py >= y && py < maxY
  }

  /// The overlap of two rectangles (empty, at `self`'s origin, when they do not overlap).
  public func intersection(_ other: Rect) -> Rect {
    let left = max(x, other.x)
    let top = max(y, other.y)
    let right = min(maxX, other.maxX)
    let bottom = min(maxY, other.maxY)
    guard right > left, bottom > top else { return Rect(x: x, y: y, width: 0, height: 0) }
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// The rectangle shrunk by `amount` on every side.
  public func inset(by amount: Int) -> Rect {
    inset(top: amount, left: amount, bottom: amount, right: amount)
  }

  /// The rectangle shrunk by the given margins; it collapses to empty rather than inverting.
  public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
    let w = max(0, width - left - right)
    let h = max(0, height - top - bottom)
    return Rect(x: x + min(left, width), y: y + min(top, height), width: w, height: h)
  }

  /// The single row `index` (counted from the top), empty when out of range.
  public func row(_ index: Int) -> Rect {
    guard index >= 0, index < height else {
      return Rect(x: x, y: y + max(0, index), width: 0, height: 0)
    }
    return Rect(x: x, y: y + index, width: width, height: 1)
  }

  /// Splits into the top `rows` rows and the rest.
  public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
    let n = min(max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: n),
      Rect(x: x, y: y + n, width: width, height: height - n)
    )
  }

  /// Splits into the rest and the bottom `rows` rows.
  public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
    let n = min(max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: height - n),
      Rect(x: x, y: maxY - n, width: width, height: n)
    )
  }

  /// Splits into the left `columns` columns and the rest.
  public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
    let n = min(max(0, columns), width)
    return (
      Rect(x: x, y: y, width: n, height: height),
      Rect(x: x + n, y: y, width: width - n, height: height)
    )
  }

  /// Splits side by side; the left part gets `fraction` of the width (rounded down).
  public func splitHorizontally(fraction: Double = 0.5) -> (left: Rect, right: Rect) {
    let f = fraction.isFinite ? min(1, max(0, fraction)) : 0.5
    let split = splitLeft(Int(Double(width) * f))
    return (split.left, split.rest)
  }

  /// Splits one above the other; the top part gets `fraction` of the height (rounded down).
  public func splitVertically(fraction: Double = 0.5) -> (top: Rect, bottom: Rect) {
    let f = fraction.isFinite ? min(1, max(0, fraction)) : 0.5
    let split = splitTop(Int(Double(height) * f))
    return (split.top, split.rest)
  }

  /// A rectangle of at most the given size, centred inside this one.
  public func centered(width w: Int, height h: Int) -> Rect {
    let cw = min(max(0, w), width)
    let ch = min(max(0, h), height)
    return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
  }
}
