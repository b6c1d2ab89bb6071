import Hypervisor

/// The protocol's pure encoder and decoder: a message to the bytes of one frame and back.
///
/// A frame is a big-endian 32-bit length (of what follows), the type byte and the payload.
/// Decoding never traps: anything malformed, truncated, oversized or left over is a
/// ``ProtocolError`` with a one-line reason.
public enum MessageCodec {
  /// The frame carrying `message`, length prefix included.
  public static func encode(_ message: MigrationMessage) -> [UInt8] {
    if case .pages(let batch) = message { return batch.bytes }
    if case .compressedPages(let batch) = message { return batch.bytes }
    var writer = WireWriter(capacity: 128)
    writer.u32(0)
    writer.u8(MessageType(message).rawValue)
    encodePayload(message, into: &writer)
    var bytes = writer.bytes
    let length = UInt32(bytes.count - 4)
    for index in 0..<4 { bytes[index] = UInt8((length >> (24 - 8 * index)) & 0xFF) }
    return bytes
  }

  /// The message in a whole frame (length prefix included); the length must match.
  public static func decode(frame: [UInt8]) throws(ProtocolError) -> MigrationMessage {
    let result: Result<MigrationMessage, ProtocolError> = frame.withUnsafeBytes { raw in
      var reader = WireReader(raw)
      do throws(ProtocolError) {
        let length = Int(try reader.u32("frame length"))
        guard length >= 1 else {
          throw ProtocolError("frame length 0: a frame holds at least its type")
        }
        guard length <= ProtocolLimits.maxFrameLength else {
          throw ProtocolError(
            "frame length \(length) is more than the \(ProtocolLimits.maxFrameLength) allowed")
        }
        guard length == reader.remaining else {
          throw ProtocolError(
            "frame length \(length) does not match the \(reader.remaining) bytes that follow")
        }
        return .success(try decodeBody(frame: frame, raw: raw, reader: &reader))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// Reads the length prefix of a frame from its first four bytes, refusing a length the
  /// protocol never sends before anything is allocated for it.
  public static func frameLength(prefix: UInt32) throws(ProtocolError) -> Int {
    let length = Int(prefix)
    guard length >= 1 else {
      throw ProtocolError("frame length 0: a frame holds at least its type")
    }
    guard length <= ProtocolLimits.maxFrameLength else {
      throw ProtocolError(
        "frame length \(length) is more than the \(ProtocolLimits.maxFrameLength) allowed")
    }
    return length
  }

  // MARK: Encoding

  static func encodePayload(_ message: MigrationMessage, into w: inout WireWriter) {
    switch message {
    case .hello(let hello):
      w.u32(ProtocolVersion.magic)
      w.u16(UInt16(hello.versions.lowerBound))
      w.u16(UInt16(hello.versions.upperBound))
      w.u8(hello.purpose.rawValue)
      w.string(hello.sourceHost)
      w.string(hello.targetHost)
      w.u64(hello.migration)
      w.count(hello.codecs.count)
      for codec in hello.codecs { w.u8(codec) }
      w.count(hello.channels)
      w.u8(hello.features.rawValue)
    case .helloAccepted(let accepted):
      w.u16(UInt16(accepted.version))
      w.string(accepted.host)
      w.u8(accepted.codec)
      w.count(accepted.channels)
      w.u8(accepted.features.rawValue)
    case .authenticate(let user, let password):
      w.string(user)
      w.string(password)
    case .authenticated(let ok):
      w.bool(ok)
    case .preCheckQuestion(let needs):
      ValueCodec.encode(needs, into: &w)
    case .preCheckAnswer(let results):
      w.count(results.count)
      for result in results { ValueCodec.encode(result, into: &w) }
    case .createTarget(let request):
      ValueCodec.encode(request.configuration, into: &w)
      w.string(request.name)
    case .targetCreated(let created):
      w.string(created.name)
      w.u8(ValueCodec.code(created.state))
      w.string(created.flags)
      w.u32(created.consolePort.map { UInt32($0) } ?? UInt32.max)
      w.u64(created.token)
    case .beginPass(let number, let pages):
      w.u32(UInt32(number))
      w.u64(UInt64(pages))
    case .pages, .compressedPages:
      preconditionFailure("page batches are encoded by PageBatchWriter")
    case .endPass(let end):
      w.u32(UInt32(end.number))
      w.u64(UInt64(end.pages))
      w.u64(end.bytes)
      w.u16(UInt16((min(max(end.progress, 0), 1) * 1000).rounded()))
    case .passAcknowledged(let number, let pages):
      w.u32(UInt32(number))
      w.u64(UInt64(pages))
    case .suspend(let dirty, let vcpus):
      w.u64(UInt64(dirty))
      w.u32(UInt32(vcpus))
    case .cpuState(let vcpu, let bytes):
      w.u32(UInt32(vcpu))
      w.blob(bytes)
    case .handOff(let request):
      w.raw(request.digest)
      w.f64(request.uptime)
      w.u8(ValueCodec.code(request.state))
    case .resumed(let digest):
      w.raw(digest)
    case .cancel, .goodbye:
      break
    case .error(let error):
      ValueCodec.encode(error, into: &w)
    case .keepalive(let progress):
      w.u16(progress.map { UInt16((min(max($0, 0), 1) * 1000).rounded()) } ?? UInt16.max)
    case .recoveryQuery(let token, let domain):
      w.u64(token)
      w.string(domain)
    case .recoveryAnswer(let state):
      w.u8(state.rawValue)
    case .joinChannel(let join):
      w.string(join.sourceHost)
      w.u64(join.migration)
      w.u16(UInt16(join.index))
    case .channelSync(let pass, let pages):
      w.u32(UInt32(pass))
      w.u64(UInt64(pages))
    }
  }

  // MARK: Decoding

  static func decodeBody(frame: [UInt8], raw: UnsafeRawBufferPointer, reader r: inout WireReader)
    throws(ProtocolError) -> MigrationMessage
  {
    let code = try r.u8("message type")
    guard let type = MessageType(rawValue: code) else {
      throw ProtocolError("unknown message type 0x\(String(code, radix: 16))")
    }
    let message: MigrationMessage
    switch type {
    case .hello:
      guard try r.u32("hello magic") == ProtocolVersion.magic else {
        throw ProtocolError("HELLO without the LDMM magic: not a migration peer")
      }
      let low = Int(try r.u16("lowest version"))
      let high = Int(try r.u16("highest version"))
      guard low >= 1, low <= high else {
        throw ProtocolError("HELLO version range \(low)...\(high) is empty")
      }
      let purposeCode = try r.u8("purpose")
      guard let purpose = ConnectionPurpose(rawValue: purposeCode) else {
        throw ProtocolError("HELLO purpose \(purposeCode) is unknown")
      }
      let source = try r.string("source host")
      let target = try r.string("target host")
      let migration = try r.u64("migration")
      let codecCount = try r.count("codec count", limit: 16)
      var codecs: [UInt8] = []
      for _ in 0..<codecCount { codecs.append(try r.u8("codec")) }
      let channels = try r.int16("channels", in: 1...ProtocolLimits.maxChannels)
      let features = StreamFeatures(rawValue: try r.u8("features"))
      message = .hello(
        Hello(
          versions: low...high, purpose: purpose, sourceHost: source, targetHost: target,
          migration: migration, codecs: codecs, channels: channels, features: features))
    case .helloAccepted:
      let version = try r.int16("version", in: 1...Int(UInt16.max))
      let host = try r.string("host")
      let codec = try r.u8("codec")
      let channels = try r.int16("channels", in: 1...ProtocolLimits.maxChannels)
      let features = StreamFeatures(rawValue: try r.u8("features"))
      message = .helloAccepted(
        HelloAccepted(
          version: version, host: host, codec: codec, channels: channels, features: features))
    case .authenticate:
      message = .authenticate(user: try r.string("user"), password: try r.string("password"))
    case .authenticated:
      message = .authenticated(try r.bool("authenticated"))
    case .preCheckQuestion:
      message = .preCheckQuestion(try ValueCodec.requirements(&r))
    case .preCheckAnswer:
      let count = try r.count("result count", limit: PreCheck.allCases.count)
      var results: [PreCheckResult] = []
      for _ in 0..<count { results.append(try ValueCodec.result(&r)) }
      message = .preCheckAnswer(results)
    case .createTarget:
      let configuration = try ValueCodec.configuration(&r)
      message = .createTarget(
        TargetRequest(configuration: configuration, name: try r.string("name")))
    case .targetCreated:
      let name = try r.string("name")
      let state = try ValueCodec.state(&r)
      let flags = try r.string("flags")
      let port = try r.u32("console port")
      let token = try r.u64("token")
      guard port == UInt32.max || port <= 65535 else {
        throw ProtocolError("console port \(port) is not a port number")
      }
      message = .targetCreated(
        TargetCreated(
          name: name, state: state, flags: flags,
          consolePort: port == UInt32.max ? nil : Int(port), token: token))
    case .beginPass:
      let number = Int(try r.u32("pass"))
      guard number >= 1 else {
        throw ProtocolError("BEGIN-PASS numbers pass \(number); passes start at 1")
      }
      message = .beginPass(number: number, pages: Int(try r.u64("pages", limit: 1 << 40)))
    case .pages:
      message = .pages(try PageBatch(frame: frame, body: raw, reader: &r))
      return message
    case .compressedPages:
      return .compressedPages(try CompressedPageBatch(frame: frame, reader: &r))
    case .endPass:
      let number = Int(try r.u32("pass"))
      let pages = Int(try r.u64("pages", limit: 1 << 40))
      let bytes = try r.u64("bytes")
      let permille = try r.int16("progress", in: 0...1000)
      message = .endPass(
        EndOfPass(number: number, pages: pages, bytes: bytes, progress: Double(permille) / 1000))
    case .passAcknowledged:
      let number = Int(try r.u32("pass"))
      message = .passAcknowledged(
        number: number, pagesReceived: Int(try r.u64("pages", limit: 1 << 40)))
    case .suspend:
      let dirty = Int(try r.u64("dirty pages", limit: 1 << 40))
      let vcpus = Int(try r.u32("vcpus"))
      guard vcpus <= 65535 else { throw ProtocolError("SUSPEND names \(vcpus) vCPUs") }
      message = .suspend(dirtyPages: dirty, vcpus: vcpus)
    case .cpuState:
      let vcpu = Int(try r.u32("vcpu"))
      guard vcpu <= 65535 else { throw ProtocolError("CPU-STATE names vCPU \(vcpu)") }
      message = .cpuState(
        vcpu: vcpu, bytes: try r.blob("cpu state", limit: ProtocolLimits.maxCPUState))
    case .handOff:
      let digest = try r.raw("digest", count: 32)
      let uptime = try r.f64("uptime", in: 0...1e12)
      message = .handOff(
        HandOffRequest(digest: digest, uptime: uptime, state: try ValueCodec.state(&r)))
    case .resumed:
      message = .resumed(digest: try r.raw("digest", count: 32))
    case .cancel:
      message = .cancel
    case .goodbye:
      message = .goodbye
    case .error:
      message = .error(try ValueCodec.peerError(&r))
    case .keepalive:
      let permille = try r.u16("progress")
      guard permille == UInt16.max || permille <= 1000 else {
        throw ProtocolError("KEEPALIVE progress \(permille) is outside 0...1000")
      }
      message = .keepalive(progress: permille == UInt16.max ? nil : Double(permille) / 1000)
    case .recoveryQuery:
      message = .recoveryQuery(token: try r.u64("token"), domain: try r.string("domain"))
    case .recoveryAnswer:
      let code = try r.u8("recovery state")
      guard let state = RecoveryState(rawValue: code) else {
        throw ProtocolError("RECOVERY-ANSWER state \(code) is unknown")
      }
      message = .recoveryAnswer(state)
    case .joinChannel:
      let source = try r.string("source host")
      let migration = try r.u64("migration")
      let index = try r.int16("channel index", in: 0...(ProtocolLimits.maxChannels - 1))
      message = .joinChannel(ChannelJoin(sourceHost: source, migration: migration, index: index))
    case .channelSync:
      let pass = Int(try r.u32("pass"))
      message = .channelSync(pass: pass, pages: Int(try r.u64("pages", limit: 1 << 40)))
    }
    try r.expectEnd(type.name)
    return message
  }
}
