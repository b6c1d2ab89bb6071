import Hypervisor
import Migration

/// Page channels' figures in words, for the log, the console and `ldm list -o status`.
public enum ChannelText {
  /// `, on 2 channels (#0 8.1 MiB, #1 8.0 MiB)` for the log; empty for one channel.
  static func summary(_ channels: [ChannelFigures]?) -> String {
    guard let channels, !channels.isEmpty else { return "" }
    let each = channels.map { "#\($0.index) \(ByteSize.human(Double($0.bytes)))" }
    return ", on \(channels.count) channels (\(each.joined(separator: ", ")))"
  }

  /// `#1 8.0 MiB 1024 pages 16 batches 12 ms CPU`: one channel in a compact row; the CPU
  /// time is left out while it is zero (no compression).
  public static func row(_ channel: ChannelFigures) -> String {
    let cpu = channel.cpuTime.inSeconds
    return "#\(channel.index) \(ByteSize.human(Double(channel.bytes))) \(channel.pages) pages"
      + " \(channel.batches) batches" + (cpu > 0 ? " \(Units.formatDuration(cpu)) CPU" : "")
  }
}
