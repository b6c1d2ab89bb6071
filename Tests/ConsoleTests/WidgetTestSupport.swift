@testable import Console

/// Draws into a fresh buffer and returns its plain text, for golden comparisons.
func render(width: Int, height: Int, _ draw: (inout ScreenBuffer, Rect) -> Void) -> String {
  var buffer = ScreenBuffer(width: width, height: height)
  draw(&buffer, buffer.bounds)
  return buffer.rendered()
}

/// Every size from 0×0 to the given one, to prove widgets never crash when squeezed.
func tinySizes(upTo width: Int = 4, _ height: Int = 3) -> [(Int, Int)] {
  (0...width).flatMap { w in (0...height).map { h in (w, h) } }
}
