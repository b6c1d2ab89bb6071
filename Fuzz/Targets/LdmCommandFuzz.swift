// libFuzzer target: the ldm command-line parser (`LdmCommandLine.parse`), which reads every
// line typed at the console's `:` prompt and every command of a run script.
import LdmCommands

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLdmCommand(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // Either a command or an LdmError; anything else (a trap, a hang) is a bug.
  if let parsed = try? LdmCommandLine.parse(line) {
    // The filter is applied to output lines; it must cope with any pattern it accepted.
    _ = parsed.filter?.matches(line)
  }
  return 0
}
