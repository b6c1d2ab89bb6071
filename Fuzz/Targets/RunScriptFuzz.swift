// libFuzzer target: the run-mode script parser (`RunScript.parse`), fed whole scripts.
import Hypervisor
import LdmCommands

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunScript(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // Either a script or `FILE:LINE: reason`; the line must be one of the script's.
  do {
    _ = try RunScript.parse(text, file: "fuzz.txt", hosts: ["sparc-t4-a", "sparc-t4-b"])
  } catch {
    // Lines as the parser counts them: LF, CRLF or CR ends one.
    let lines = text.fileLines.count
    precondition(error.line >= 1 && error.line <= lines, "error line out of range: \(error)")
    precondition(!error.description.contains(where: \.isNewline), "multi-line error: \(error)")
  }
  return 0
}
