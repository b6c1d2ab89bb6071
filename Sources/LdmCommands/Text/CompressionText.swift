import Compression
import Hypervisor
import Migration

/// Compression figures in words, for the log, the console and `ldm list -o status`.
extension CompressionFigures {
  /// `lz4 2.91×`: the codec and how many bytes of pages each wire byte carried.
  public var ratioText: String {
    guard let ratio = statistics.ratio else { return "\(codec)" }
    return "\(codec) \(CompressionText.twoDecimals(ratio))×"
  }

  /// `lz4 2.91× (14.9 MiB of pages in 5.1 MiB, 12 ms CPU)`, with `verb` naming what the CPU
  /// time was spent on when given.
  public func summary(cpu verb: String = "CPU") -> String {
    let before = ByteSize.human(Double(statistics.uncompressedBytes))
    let after = ByteSize.human(Double(statistics.compressedBytes))
    let cpu = Units.formatDuration(statistics.cpuTime.inSeconds)
    return "\(ratioText) (\(before) of pages in \(after), \(cpu) \(verb))"
  }
}

enum CompressionText {
  static func twoDecimals(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
