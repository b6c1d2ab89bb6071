import Hypervisor
import Migration

/// What XBZRLE did, in words, for the log, the console and `ldm list -o status`.
public enum XBZRLEText {
  /// `XBZRLE: 8597 pages sent again as 304 KiB instead of 67.2 MiB (226x), 10916 missed the
  /// 64 MiB cache`; `XBZRLE: no page sent again yet` before the first.
  public static func summary(_ figures: XBZRLEFigures) -> String {
    var text = "XBZRLE: "
    if let ratio = figures.ratio {
      text +=
        "\(figures.pages) pages sent again as \(ByteSize.human(Double(figures.bytes)))"
        + " instead of \(ByteSize.human(Double(figures.wholeBytes)))"
        + " (\(ratio >= 10 ? String(Int(ratio.rounded())) : String(format: "%.1f", ratio))x)"
    } else {
      text += "no page sent again as a difference yet"
    }
    if figures.misses > 0 {
      text += ", \(figures.misses) missed the \(ByteSize.human(Double(figures.cacheBytes))) cache"
    }
    if figures.overflows > 0 { text += ", \(figures.overflows) changed too much" }
    return text
  }
}
