import Testing

@testable import Console

@Suite struct RectTests {
  @Test func negativeSizesClampToZero() {
    let rect = Rect(x: 1, y: 2, width: -3, height: -4)
    #expect(rect.width == 0)
    #expect(rect.height == 0)
    #expect(rect.isEmpty)
  }

  @Test func insetCollapsesInsteadOfInverting() {
    let rect = Rect(x: 0, y: 0, width: 3, height: 2)
    #expect(rect.inset(by: 1) == Rect(x: 1, y: 1, width: 1, height: 0))
    #expect(rect.inset(by: 5).isEmpty)
  }

  @Test func splitsCoverTheWhole() {
    let rect = Rect(x: 2, y: 3, width: 11, height: 7)
    let (left, right) = rect.splitHorizontally(fraction: 0.5)
    #expect(left == Rect(x: 2, y: 3, width: 5, height: 7))
    #expect(right == Rect(x: 7, y: 3, width: 6, height: 7))
    let (top, bottom) = rect.splitBottom(2)
    #expect(top.height == 5)
    #expect(bottom == Rect(x: 2, y: 8, width: 11, height: 2))
    #expect(rect.splitTop(99).rest.isEmpty)
  }

  @Test func intersectionAndCentre() {
    let a = Rect(x: 0, y: 0, width: 10, height: 10)
    let b = Rect(x: 5, y: 8, width: 10, height: 10)
    #expect(a.intersection(b) == Rect(x: 5, y: 8, width: 5, height: 2))
    #expect(a.intersection(Rect(x: 20, y: 20, width: 1, height: 1)).isEmpty)
    #expect(a.centered(width: 4, height: 2) == Rect(x: 3, y: 4, width: 4, height: 2))
    #expect(a.centered(width: 40, height: 2).width == 10)
  }
}
