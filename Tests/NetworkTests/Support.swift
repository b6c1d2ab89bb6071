import Foundation
import NIOCore
import Network
import Synchronization

/// The lines a server or client logged, for tests to read.
final class LogRecorder: Sendable {
  private let storage = Mutex<[String]>([])

  var log: ConnectionLog {
    { line in self.storage.withLock { $0.append(line) } }
  }

  var lines: [String] { storage.withLock { $0 } }

  func lines(containing text: String) -> [String] {
    lines.filter { $0.contains(text) }
  }

  /// The lines, once at least `count` have been logged (or after `seconds`, whatever they are
  /// then). A peer may see its connection end before the other side has logged why.
  func waitForLines(atLeast count: Int, within seconds: Int = 10) async throws -> [String] {
    for _ in 0..<seconds * 100 where lines.count < count {
      try await Task.sleep(for: .milliseconds(10))
    }
    return lines
  }

  func waitForLines(containing text: String, atLeast count: Int = 1) async throws -> [String] {
    for _ in 0..<1000 where lines(containing: text).count < count {
      try await Task.sleep(for: .milliseconds(10))
    }
    return lines(containing: text)
  }
}

/// A bound on a step that waits for the network, so a test that goes wrong fails instead of
/// hanging. Not a measurement: nothing is asserted about how long the step takes.
struct TimedOut: Error, CustomStringConvertible {
  let description: String
}

func within<T: Sendable>(
  seconds: Int = 30, _ step: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      throw TimedOut(description: "\(step): not done within \(seconds) s")
    }
    defer { group.cancelAll() }
    return try await group.next()!
  }
}

/// SplitMix64: the same seed gives the same bytes on every machine, so a failing case can be
/// reproduced from its seed.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }

  mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
  }
}

extension ByteBuffer {
  var bytes: [UInt8] { Array(readableBytesView) }
}

extension Frame {
  /// The frame's bytes after its length field.
  var bytes: [UInt8] { Array(body) }
  var text: String { String(decoding: body, as: UTF8.self) }
  /// The same bytes, for writing back.
  var buffer: ByteBuffer { ByteBuffer(bytes: body) }
}

/// The bytes of frames as the protocol frames them, built by hand (not by the encoder under
/// test): a 4-byte big-endian length, then the frame.
func framed(_ frames: [[UInt8]]) -> [UInt8] {
  var bytes: [UInt8] = []
  for frame in frames {
    bytes += header(UInt32(frame.count)) + frame
  }
  return bytes
}

func header(_ length: UInt32) -> [UInt8] {
  [
    UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
    UInt8(length & 0xFF),
  ]
}
