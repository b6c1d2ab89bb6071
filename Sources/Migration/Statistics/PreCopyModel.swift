/// The textbook pre-copy model: each pass sends what the previous one left dirty, at the
/// measured throughput, while the guest dirties at the measured rate; the source suspends once
/// the rest fits the downtime limit or the passes run out.
public struct PreCopyModel: Sendable, Equatable {
  public var passes: Int
  /// Bytes sent from now to the end, the final copy included.
  public var bytes: Double
  /// Seconds from now to the end.
  public var seconds: Double
  public var downtime: Double

  /// Runs the model from a pass with `pending` bytes still to send in it and `dirty` bytes
  /// already dirtied for the next one. `dirtyCeiling` bounds what a pass can find dirty (the
  /// workload's footprint); `passesLeft` counts the current pass.
  public static func estimate(
    pending: Double, dirty: Double, throughput: Double, dirtyRate: Double, latency: Double,
    downtimeLimit: Double, passesLeft: Int, dirtyCeiling: Double = .infinity
  ) -> PreCopyModel? {
    guard throughput > 0, throughput.isFinite, dirtyRate >= 0 else { return nil }
    var seconds = pending / throughput
    var bytes = pending
    var carry = min(dirtyCeiling, dirty + dirtyRate * seconds)
    var passes = 1
    while passes < passesLeft, carry / throughput + latency > downtimeLimit {
      let pass = carry / throughput
      seconds += pass
      bytes += carry
      passes += 1
      let next = min(dirtyCeiling, dirtyRate * pass)
      // A pass that cannot shrink what is left will not converge: the pass limit ends it.
      if next >= carry, passes < passesLeft {
        let remainingPasses = Double(passesLeft - passes)
        seconds += remainingPasses * pass
        bytes += remainingPasses * carry
        passes = passesLeft
        break
      }
      carry = next
    }
    let downtime = carry / throughput + latency
    return PreCopyModel(
      passes: passes, bytes: bytes + carry, seconds: seconds + downtime, downtime: downtime)
  }
}
