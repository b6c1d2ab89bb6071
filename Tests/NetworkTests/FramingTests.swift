import NIOCore
import NIOEmbedded
import Network
import Testing

/// The frame decoder and encoder in a pipeline of their own, no sockets: bytes in, frames out.
@Suite struct FramingTests {
  static let limit = FrameLimit(maximumLength: 64)

  /// A connected channel with the framing handlers a real connection has.
  private func channel(limit: FrameLimit = FramingTests.limit, log: LogRecorder) throws
    -> EmbeddedChannel
  {
    let channel = EmbeddedChannel()
    let operations = channel.pipeline.syncOperations
    try operations.addHandler(FrameDecoder(limit: limit))
    try operations.addHandler(FrameEncoder(limit: limit))
    try operations.addHandler(ConnectionGuard(label: "connection from test", log: log.log))
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    return channel
  }

  private func write(_ bytes: some Sequence<UInt8>, to channel: EmbeddedChannel) throws {
    try channel.writeInbound(channel.allocator.buffer(bytes: Array(bytes)))
  }

  private func frames(from channel: EmbeddedChannel) throws -> [[UInt8]] {
    var frames: [[UInt8]] = []
    while let frame = try channel.readInbound(as: Frame.self) {
      frames.append(frame.bytes)
    }
    return frames
  }

  static let sample: [[UInt8]] = [[7], Array(1...5), Array(repeating: 0xAB, count: 64), [0, 0]]

  @Test func aStreamSplitAtEveryByteGivesTheSameFrames() throws {
    let stream = framed(Self.sample)
    for split in 0...stream.count {
      let log = LogRecorder()
      let channel = try channel(log: log)
      try write(stream[..<split], to: channel)
      try write(stream[split...], to: channel)
      #expect(try frames(from: channel) == Self.sample, "split at \(split)")
      #expect(channel.isActive)
      #expect(log.lines.isEmpty)
      _ = try channel.finish()
    }
  }

  @Test func aStreamFedByteByByteGivesTheSameFrames() throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    var received: [[UInt8]] = []
    for byte in framed(Self.sample) {
      try write([byte], to: channel)
      received += try frames(from: channel)
    }
    #expect(received == Self.sample)
    #expect(log.lines.isEmpty)
    _ = try channel.finish()
  }

  @Test func manyFramesInOneReadComeOutOneByOneInOrder() throws {
    var generator = SeededGenerator(seed: 11)
    let sent = (0..<200).map { _ in generator.bytes(Int.random(in: 1...64, using: &generator)) }
    let log = LogRecorder()
    let channel = try channel(log: log)
    try write(framed(sent), to: channel)
    #expect(try frames(from: channel) == sent)
    _ = try channel.finish()
  }

  @Test func randomChunkingNeverChangesTheFrames() throws {
    var generator = SeededGenerator(seed: 12)
    for round in 0..<100 {
      let sent = (0..<20).map { _ in generator.bytes(Int.random(in: 1...64, using: &generator)) }
      var stream = framed(sent)[...]
      let log = LogRecorder()
      let channel = try channel(log: log)
      var received: [[UInt8]] = []
      while !stream.isEmpty {
        let size = min(stream.count, Int.random(in: 1...150, using: &generator))
        try write(stream.prefix(size), to: channel)
        stream = stream.dropFirst(size)
        received += try frames(from: channel)
      }
      #expect(received == sent, "round \(round)")
      _ = try channel.finish()
    }
  }

  /// Frames come up as they were on the wire, length field first: the migration protocol's
  /// decoder reads them so, and nothing copies them again to put the length back.
  @Test func aFrameComesUpWithItsLengthFieldWhateverTheReadsCutIt() throws {
    let sent = Array(1...40) as [UInt8]
    let stream = framed([sent])
    for cut in 1..<stream.count {
      let channel = try channel(log: LogRecorder())
      try write(stream[..<cut], to: channel)
      #expect(try channel.readInbound(as: Frame.self) == nil, "cut at \(cut)")
      try write(stream[cut...], to: channel)
      let frame = try #require(try channel.readInbound(as: Frame.self))
      #expect(frame.wire == stream)
      #expect(Array(frame.body) == sent)
      _ = try channel.finish()
    }
  }

  @Test func aFrameOfExactlyTheMaximumIsAccepted() throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    let frame = Array(repeating: UInt8(1), count: Self.limit.maximumLength)
    try write(framed([frame]), to: channel)
    #expect(try frames(from: channel) == [frame])
    #expect(channel.isActive)
    _ = try channel.finish()
  }

  /// The refusal comes with the four bytes of the length field alone: no byte of the frame is
  /// awaited, so nothing is buffered or reserved for it.
  @Test(arguments: [65, 1 << 20, 16 << 20 | 1, UInt32(Int32.max), UInt32.max] as [UInt32])
  func anOversizedLengthIsRefusedOnItsFourBytes(length: UInt32) throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    #expect(throws: FrameError.tooLong(length: UInt64(length), maximum: 64)) {
      try write(header(length), to: channel)
    }
    #expect(!channel.isActive)
    #expect(try frames(from: channel).isEmpty)
    #expect(
      log.lines == ["connection from test closed: frame length \(length) is over the maximum 64"])
  }

  @Test func theProtocolLimitRefusesOneByteMoreThan16MiB() throws {
    let limit = FrameLimit(maximumLength: 16 << 20)
    let log = LogRecorder()
    let channel = try channel(limit: limit, log: log)
    #expect(throws: FrameError.tooLong(length: 16 << 20 + 1, maximum: 16 << 20)) {
      try write(header(16 << 20 + 1), to: channel)
    }
    #expect(!channel.isActive)
  }

  @Test func aZeroLengthIsRefusedAfterTheFramesBeforeIt() throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    #expect(throws: FrameError.empty) {
      try write(framed([[1, 2], [3]]) + header(0) + framed([[4]]), to: channel)
    }
    #expect(try frames(from: channel) == [[1, 2], [3]])
    #expect(!channel.isActive)
    #expect(
      log.lines == [
        "connection from test closed: frame length 0 (a frame holds at least its message type)"
      ])
  }

  @Test func bytesAfterARefusalAreNotDecoded() throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    _ = try? write(header(1000) + framed([[9]]), to: channel)
    _ = try? write(framed([[9]]), to: channel)
    #expect(try frames(from: channel).isEmpty)
    #expect(log.lines.count == 1)
  }

  @Test(arguments: [
    ([0, 0], "connection ended inside a frame (2 of the 4 bytes of its length field)"),
    ([0, 0, 0, 9, 1, 2, 3], "connection ended inside a frame (3 of the 9 bytes of its frame)"),
  ])
  func theStreamEndingInsideAFrameIsLogged(bytes: [UInt8], reason: String) throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    try write(framed([[5]]) + bytes, to: channel)
    #expect(try frames(from: channel) == [[5]])
    try? channel.close().wait()
    #expect(throws: FrameError.self) { try channel.throwIfErrorCaught() }
    #expect(log.lines == ["connection from test closed: \(reason)"])
  }

  /// Random bytes, cut at random: the decoder gives exactly the frames a straightforward
  /// reading of the same bytes gives, then refuses where that reading refuses, or waits.
  @Test func garbageGivesWhatAReferenceReadingGives() throws {
    var generator = SeededGenerator(seed: 13)
    for round in 0..<500 {
      var bytes = generator.bytes(Int.random(in: 0...300, using: &generator))
      // Small lengths now and then, so garbage also holds real frames.
      for index in stride(from: 0, to: bytes.count - 3, by: 17) where Bool.random(using: &generator)
      {
        bytes[index] = 0
        bytes[index + 1] = 0
        bytes[index + 2] = 0
        bytes[index + 3] = UInt8.random(in: 0...80, using: &generator)
      }
      let expected = Self.referenceReading(bytes, maximum: 64)
      let log = LogRecorder()
      let channel = try channel(log: log)
      var received: [[UInt8]] = []
      var caught: FrameError?
      var rest = bytes[...]
      while !rest.isEmpty, caught == nil {
        let size = min(rest.count, Int.random(in: 1...40, using: &generator))
        do {
          try write(rest.prefix(size), to: channel)
        } catch let error as FrameError {
          caught = error
        }
        rest = rest.dropFirst(size)
        received += try frames(from: channel)
      }
      #expect(received == expected.frames, "round \(round)")
      #expect(caught == expected.refusal, "round \(round)")
      #expect(channel.isActive == (expected.refusal == nil), "round \(round)")
      #expect(log.lines.count == (expected.refusal == nil ? 0 : 1), "round \(round)")
      if channel.isActive { _ = try? channel.finish() }
    }
  }

  static func referenceReading(_ bytes: [UInt8], maximum: Int) -> (
    frames: [[UInt8]], refusal: FrameError?
  ) {
    var frames: [[UInt8]] = []
    var offset = 0
    while offset + 4 <= bytes.count {
      let length = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      if length == 0 { return (frames, .empty) }
      if length > maximum { return (frames, .tooLong(length: UInt64(length), maximum: maximum)) }
      guard offset + 4 + Int(length) <= bytes.count else { break }
      frames.append(Array(bytes[offset + 4..<offset + 4 + Int(length)]))
      offset += 4 + Int(length)
    }
    return (frames, nil)
  }

  @Test func theEncoderPutsTheLengthInFront() throws {
    let log = LogRecorder()
    let channel = try channel(log: log)
    try channel.writeOutbound(channel.allocator.buffer(bytes: [0x41, 0x42, 0x43]))
    var written: [UInt8] = []
    while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
      written += buffer.bytes
    }
    #expect(written == [0, 0, 0, 3, 0x41, 0x42, 0x43])
    _ = try channel.finish()
  }

  @Test func whatTheEncoderWritesTheDecoderReads() throws {
    var generator = SeededGenerator(seed: 14)
    let sent = (0..<50).map { _ in generator.bytes(Int.random(in: 1...64, using: &generator)) }
    let sender = try channel(log: LogRecorder())
    let receiver = try channel(log: LogRecorder())
    for frame in sent {
      try sender.writeOutbound(sender.allocator.buffer(bytes: frame))
    }
    while let buffer = try sender.readOutbound(as: ByteBuffer.self) {
      try receiver.writeInbound(buffer)
    }
    #expect(try frames(from: receiver) == sent)
    _ = try sender.finish()
    _ = try receiver.finish()
  }

  @Test(arguments: [0, 65, 1000])
  func theEncoderRefusesWhatThePeerWouldRefuse(size: Int) throws {
    let channel = try channel(log: LogRecorder())
    let write = channel.writeAndFlush(
      channel.allocator.buffer(bytes: Array(repeating: UInt8(1), count: size)))
    #expect(throws: FrameError.self) { try write.wait() }
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    #expect(channel.isActive)
    _ = try channel.finish()
  }

  @Test func reasonsStayOneLineWhateverTheErrorSays() {
    let reason = ConnectionFailure.reason(for: ConnectionFailure("a\nb\rc\u{1}"))
    #expect(reason == "a\\nb\\rc\\u{1}")
  }
}
