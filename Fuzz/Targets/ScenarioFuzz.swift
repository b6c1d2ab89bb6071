// libFuzzer target: the scenario loader (`ScenarioLoader.load(text:file:)`), which decodes the
// YAML strictly and then builds both hosts (without guest contents) to validate them.
import Hypervisor

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // Either a scenario or one line, `FILE:LINE: reason`.
  do {
    _ = try ScenarioLoader.load(text: text, file: "fuzz.yaml")
  } catch {
    precondition(error.description.hasPrefix("fuzz.yaml:"), "unlocated error: \(error)")
    precondition(!error.description.contains(where: \.isNewline), "multi-line error: \(error)")
  }
  return 0
}
