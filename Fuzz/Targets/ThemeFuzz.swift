// libFuzzer target: the theme loader (`Theme.parse(yaml:file:)`), then the mapping of the
// theme's colours to every terminal capability.
import Console

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // Either a theme or one line, `FILE:LINE: reason`.
  do {
    let theme = try Theme.parse(yaml: text, file: "fuzz.yaml")
    for capability in ColorCapability.allCases {
      _ = theme.resolve(for: capability)
    }
  } catch {
    precondition(error.description.hasPrefix("fuzz.yaml:"), "unlocated error: \(error)")
    precondition(!error.description.contains(where: \.isNewline), "multi-line error: \(error)")
  }
  return 0
}
