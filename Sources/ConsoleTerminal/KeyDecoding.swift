import CNcursesW
import Console

/// ncurses special key codes (the `KEY_CODE_YES` results of `get_wch`) as `KeyEvent`s.
enum KeyDecoding {
  private static let table: [Int32: KeyEvent] = [
    ldm_key_up(): .up, ldm_key_down(): .down, ldm_key_left(): .left, ldm_key_right(): .right,
    ldm_key_home(): .home, ldm_key_end(): .end, ldm_key_ppage(): .pageUp,
    ldm_key_npage(): .pageDown, ldm_key_backspace(): .backspace, ldm_key_dc(): .delete,
    ldm_key_btab(): .backtab, ldm_key_enter(): .enter, ldm_key_resize(): .resize,
  ]

  /// Nil for keys the console has no use for (mouse, unknown function keys…).
  static func special(_ code: Int32) -> KeyEvent? {
    if let key = table[code] { return key }
    let function = code - ldm_key_f0()
    if function >= 1, function <= 24 { return .function(Int(function)) }
    return nil
  }
}
