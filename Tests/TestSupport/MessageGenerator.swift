import Compression
import Hypervisor
import Migration

/// Random but valid protocol messages, drawn from a seed, for round-trip properties and fuzz
/// seeds: every message type and every finding and failure appear.
public struct MessageGenerator {
  var random: DeterministicRandom

  public init(seed: UInt64) { random = DeterministicRandom(seed: seed) }

  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + random.next(below: range.count)
  }

  mutating func bool() -> Bool { random.next(below: 2) == 1 }

  mutating func text() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_.@:/ λé中")
    return String((0..<int(0...24)).map { _ in alphabet[random.next(below: alphabet.count)] })
  }

  mutating func fraction() -> Double { random.nextUnit() }

  mutating func size() -> UInt64 { UInt64(int(0...4096)) * UInt64(GuestMemory.pageSize) }

  mutating func state() -> DomainState { DomainState.allCases[random.next(below: 4)] }
  mutating func arch() -> CPUArch { CPUArch.allCases[random.next(below: 3)] }
  mutating func os() -> SolarisRelease { bool() ? .solaris10 : .solaris11 }
  mutating func version() -> ManagerVersion { ManagerVersion(major: int(0...9), minor: int(0...9)) }
  mutating func digest() -> [UInt8] { (0..<32).map { _ in UInt8(int(0...255)) } }

  /// Blocks adding up to `total`.
  mutating func blocks(total: UInt64) -> [MemoryBlockRequest] {
    guard total > 0 else { return [] }
    let first =
      UInt64(int(0...Int(total / UInt64(GuestMemory.pageSize)))) * UInt64(GuestMemory.pageSize)
    let sizes = [first, total - first].filter { $0 > 0 }
    var address: UInt64 = 0x800_0000
    return sizes.map { size in
      defer { address += size }
      return MemoryBlockRequest(realAddress: address, size: size)
    }
  }

  public mutating func requirements() -> MigrationRequirements {
    let memory = size()
    return MigrationRequirements(
      domain: text(), targetName: text(), state: state(), vcpuCount: int(0...256),
      memorySize: memory, blocks: blocks(total: memory), cpuArch: arch(), os: os(),
      disks: (0..<int(0...3)).map { _ in DiskReference(volume: text(), service: text()) },
      switches: (0..<int(0...3)).map { _ in text() }, consoleGroup: bool() ? text() : nil,
      sourceCPU: SourceProcessor(host: text(), type: text(), stickFrequency: random.next()),
      sourceManager: version(), force: bool())
  }

  public mutating func configuration() -> DomainConfiguration {
    let memory = size()
    let state = state()
    let blocks = state == .inactive && bool() ? [] : blocks(total: memory)
    return DomainConfiguration(
      name: text(), state: blocks.isEmpty && memory > 0 ? .inactive : state,
      vcpuCount: int(0...256), memorySize: memory,
      blocks: blocks.map { ($0.realAddress, $0.size) }, cpuArch: arch(), os: os(),
      disks: (0..<int(0...3)).map { index in
        VirtualDisk(name: text(), volume: text(), service: text(), id: index)
      },
      networks: (0..<int(0...3)).map { index in
        VirtualNetwork(name: text(), switchName: text(), mac: text(), id: index)
      },
      consoleGroup: bool() ? text() : nil, ioDevices: (0..<int(0...2)).map { _ in text() },
      workload: Workload(
        name: text(), pagesPerSecond: fraction() * 1e5, hotSetFraction: fraction(),
        hotWriteFraction: fraction(), utilisation: fraction() * 100,
        footprint: memory > 0 && bool()
          ? .bytes(max(1, memory / UInt64(int(1...8)))) : .fraction(0.01 + 0.99 * fraction()),
        content: ContentProfile.allCases[int(0...(ContentProfile.allCases.count - 1))]),
      bootFill: fraction(),
      variables: (0..<int(0...3)).map { _ in DomainSnapshot.Variable(name: text(), value: text()) },
      uptime: fraction() * 1e7)
  }

  public mutating func finding() -> PreCheckFinding {
    switch int(0...21) {
    case 0: .targetAnswered(host: text())
    case 1: .targetUnreachable(host: text())
    case 2: .authenticated(user: text(), host: text())
    case 3: .managers(source: version(), target: version(), sourceHost: text(), targetHost: text())
    case 4: .domainState(state(), live: bool())
    case 5: .controlDomain
    case 6: .domainMissing(name: text())
    case 7: .nameFree(name: text(), host: text())
    case 8: .nameTaken(name: text())
    case 9: .noDirectIO
    case 10: .directIO(devices: [text(), text()])
    case 11: .cpus(required: int(0...99), free: int(0...99), host: text())
    case 12: .sameCPU(type: text())
    case 13: .nativeSolaris10
    case 14: .crossCPU(sourceType: text(), targetType: text(), arch: arch())
    case 15:
      .memoryPlaced([
        MemoryPlacement(size: size(), realAddress: random.next(), physicalAddress: random.next())
      ])
    case 16: .memoryShort(needed: random.next(), free: random.next(), ranges: int(0...9))
    case 17: .disks([text()])
    case 18: .services([text(), text()])
    case 19: .consolePorts(free: int(0...99), concentrator: text())
    case 20: .noConsoleConcentrator
    default: .consoleConcentratorFull(text())
    }
  }

  public mutating func failure() -> PreCheckFailure {
    switch int(0...21) {
    case 0: .unreachable(host: text())
    case 1: .targetIsSource(host: text())
    case 2: .authenticationFailed(user: text(), host: text())
    case 3:
      .managerTooOld(
        side: bool() ? .source : .target, host: text(), version: version(), required: version())
    case 4: .domainNotFound(name: text())
    case 5: .alreadyMigrating(domain: text())
    case 6: .controlDomain(domain: text())
    case 7: .nameTaken(name: text())
    case 8: .directIO(domain: text(), devices: [text()])
    case 9: .notEnoughCPUs(required: int(0...99), available: int(0...99))
    case 10: .cpuTypeMismatch(target: text(), source: text())
    case 11: .stickFrequencyMismatch(target: random.next(), source: random.next())
    case 12: .crossCPUProcessor(host: text(), type: text())
    case 13: .crossCPUGuestOS(domain: text(), os: os())
    case 14: .crossCPUManager(required: version())
    case 15:
      .crossCPUNeedsForce(domain: text(), sourceType: text(), targetType: text(), arch: arch())
    case 16: .memoryRegion(size: size(), realAddress: random.next())
    case 17: .diskServiceMissing(service: text())
    case 18: .volumeMissing(reference: text())
    case 19: .switchMissing(name: text())
    case 20: .consoleGroupWithoutConcentrator(domain: text(), group: text())
    default: .noFreeConsolePort(concentrator: text())
    }
  }

  public mutating func results() -> [PreCheckResult] {
    PreCheck.allCases.shuffled(using: &random).prefix(int(0...12)).map { check in
      PreCheckResult(check, finding(), failures: (0..<int(0...2)).map { _ in failure() })
    }
  }

  public mutating func error() -> PeerError {
    switch int(0...5) {
    case 0: .versionMismatch(supported: 1...int(1...9))
    case 1: .protocolViolation(text())
    case 2: .targetRefused(text())
    case 3: .outOfMemory(domain: text())
    case 4: .digestMismatch(target: digest())
    default: .shuttingDown
    }
  }

  /// A control message of the given type (not PAGES, which ``pageBatch(pass:)`` makes).
  public mutating func message(_ type: MessageType) -> MigrationMessage {
    switch type {
    case .hello:
      let low = int(1...4)
      return .hello(
        Hello(
          versions: low...(low + int(0...3)),
          purpose: [.migrate, .dryRun, .recovery][int(0...2)], sourceHost: text(),
          targetHost: text(), migration: random.next(),
          codecs: (0..<int(0...3)).map { _ in UInt8(int(0...2)) }, channels: int(1...64),
          features: StreamFeatures(rawValue: UInt8(int(0...255)))))
    case .helloAccepted:
      return .helloAccepted(
        HelloAccepted(
          version: int(1...9), host: text(), codec: UInt8(int(0...2)), channels: int(1...64),
          features: StreamFeatures(rawValue: UInt8(int(0...1)))))
    case .authenticate: return .authenticate(user: text(), password: text())
    case .authenticated: return .authenticated(bool())
    case .preCheckQuestion: return .preCheckQuestion(requirements())
    case .preCheckAnswer: return .preCheckAnswer(results())
    case .createTarget:
      return .createTarget(TargetRequest(configuration: configuration(), name: text()))
    case .targetCreated:
      return .targetCreated(
        TargetCreated(
          name: text(), state: state(), flags: text(), consolePort: bool() ? int(0...65535) : nil,
          token: random.next()))
    case .beginPass: return .beginPass(number: int(1...30), pages: int(0...1 << 20))
    case .pages: return .pages(pageBatch(pass: int(0...30)))
    case .compressedPages:
      return .compressedPages(compressedPageBatch(pass: int(0...30), codec: bool() ? .lz4 : .zstd))
    case .endPass:
      return .endPass(
        EndOfPass(
          number: int(1...30), pages: int(0...1 << 20), bytes: random.next(),
          progress: Double(int(0...1000)) / 1000))
    case .passAcknowledged:
      return .passAcknowledged(number: int(1...30), pagesReceived: int(0...1 << 20))
    case .suspend: return .suspend(dirtyPages: int(0...1 << 20), vcpus: int(0...256))
    case .cpuState:
      return .cpuState(
        vcpu: int(0...255), bytes: (0..<int(0...300)).map { _ in UInt8(int(0...255)) })
    case .handOff:
      return .handOff(
        HandOffRequest(digest: digest(), uptime: fraction() * 1e7, state: state()))
    case .resumed: return .resumed(digest: digest())
    case .cancel: return .cancel
    case .error: return .error(error())
    case .keepalive: return .keepalive(progress: bool() ? Double(int(0...1000)) / 1000 : nil)
    case .recoveryQuery: return .recoveryQuery(token: random.next(), domain: text())
    case .recoveryAnswer: return .recoveryAnswer(bool() ? .resumed : .absent)
    case .goodbye: return .goodbye
    case .joinChannel:
      return .joinChannel(
        ChannelJoin(sourceHost: text(), migration: random.next(), index: int(0...63)))
    case .channelSync: return .channelSync(pass: int(0...30), pages: int(0...1 << 20))
    }
  }

  /// A batch of zero and normal pages compressed with `codec`, as a source sends it.
  public mutating func compressedPageBatch(pass: Int, codec: CompressionCodec)
    -> CompressedPageBatch
  {
    let pages = pageBatch(pass: pass)
    let compressor = BatchCompressor(
      codec: codec, maximumBatchBytes: ProtocolLimits.maxBatchPages * PageRecord.normalBytes)
    let frame = try! CompressedPageBatch.frame(compressing: pages.bytes, with: compressor)
    guard case .compressedPages(let batch) = try! MessageCodec.decode(frame: frame) else {
      preconditionFailure("a compressed batch decodes as PAGES-COMPRESSED")
    }
    return batch
  }

  /// A batch of zero and normal pages; the normal pages' bytes are returned beside it.
  public mutating func pageBatch(pass: Int) -> PageBatch {
    pageBatchWithContents(pass: pass).batch
  }

  public mutating func pageBatchWithContents(pass: Int) -> (
    batch: PageBatch, pages: [(page: Int, bytes: [UInt8]?)]
  ) {
    let count = int(0...12)
    var writer = PageBatchWriter(pass: pass, capacity: max(count, 1))
    var pages: [(Int, [UInt8]?)] = []
    for _ in 0..<count {
      let page = int(0...(1 << 20))
      if bool() {
        writer.appendZero(page: page)
        pages.append((page, nil))
      } else {
        let bytes = (0..<GuestMemory.pageSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        bytes.withUnsafeBytes { writer.append(page: page, bytes: $0.baseAddress!) }
        pages.append((page, bytes))
      }
    }
    let frame = writer.finish()
    guard case .pages(let batch) = try! MessageCodec.decode(frame: frame) else {
      preconditionFailure("a written batch decodes as PAGES")
    }
    return (batch, pages)
  }
}
