// libFuzzer target: the scenario loader, fed scenarios that stay YAML. A custom mutator parses
// the input into a Yams node tree and mutates the tree, not the bytes: numbers become boundary
// values (huge, negative, 2^64 - 1, NaN, floats for whole numbers, sizes and durations past
// their ranges), values change type (scalar, list, mapping), lists and mappings lose, repeat and
// swap items, and known keys appear where they were missing. The tree is written back as YAML
// and loaded; a loaded scenario is then built with guest memory and run for a moment. Nothing
// may trap, and every refusal is one line naming the file.
import Hypervisor
import Yams

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenarioStructure(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let scenario: Scenario
  do {
    scenario = try ScenarioLoader.load(text: text, file: "fuzz.yaml")
  } catch {
    precondition(error.description.hasPrefix("fuzz.yaml:"), "unlocated error: \(error)")
    precondition(!error.description.contains(where: \.isNewline), "multi-line error: \(error)")
    return 0
  }
  // Filling guest memory is real work; only when it is small enough to keep the fuzzer fast.
  let fill = scenario.hosts.flatMap(\.domains).reduce(0.0) { $0 + Double($1.memory) * $1.fill }
  let hosts: [Host]
  do {
    hosts = try scenario.buildHosts(populateMemory: fill <= 64 * 1024 * 1024)
  } catch {
    preconditionFailure("a scenario that loaded did not build: \(error.reason)")
  }
  for host in hosts {
    host.advance(seconds: 0.001)
    _ = host.snapshot()
    let problems = host.accountingProblems()
    precondition(problems.isEmpty, "the host's books do not balance: \(problems)")
  }
  return 0
}

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

@_cdecl("LLVMFuzzerCustomMutator")
public func mutateScenarioStructure(
  _ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32
) -> Int {
  var random = SplitMix(seed: UInt64(seed))
  // Now and then the bytes themselves, so YAML syntax stays under test too; always when the
  // input is not YAML that Yams can read.
  guard random.below(8) != 0, var tree = ScenarioTree(data, size) else {
    return libFuzzerMutate(data, size, maxSize)
  }
  for _ in 0...random.below(3) { tree.mutate(&random) }
  return tree.write(to: data, maxSize: maxSize) ?? libFuzzerMutate(data, size, maxSize)
}

@_cdecl("LLVMFuzzerCustomCrossOver")
public func crossScenarioStructures(
  _ first: UnsafePointer<UInt8>, _ firstSize: Int, _ second: UnsafePointer<UInt8>,
  _ secondSize: Int, _ out: UnsafeMutablePointer<UInt8>, _ maxOutSize: Int, _ seed: UInt32
) -> Int {
  var random = SplitMix(seed: UInt64(seed))
  guard var tree = ScenarioTree(first, firstSize), let donor = ScenarioTree(second, secondSize)
  else { return 0 }
  // A piece of one scenario (a host, a domain, a value) in place of a piece of the other.
  let piece = donor.node(at: random.below(donor.count))
  tree.replace(at: random.below(tree.count)) { _ in piece }
  return tree.write(to: out, maxSize: maxOutSize) ?? 0
}

/// A scenario as a node tree whose nodes (keys included) are numbered in pre-order.
struct ScenarioTree {
  var root: Node

  init?(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let composed = try? Yams.compose(yaml: text) else { return nil }
    root = Self.untagged(composed)
  }

  /// Resolved tags would be written out (`!!int`) and pin a value's type; without them the
  /// new text is read afresh, as a person's file would be.
  static func untagged(_ node: Node) -> Node {
    switch node {
    case .scalar(let scalar): .scalar(.init(scalar.string, .implicit, scalar.style))
    case .mapping(let mapping):
      .mapping(
        .init(mapping.map { (untagged($0.key), untagged($0.value)) }, .implicit, mapping.style))
    case .sequence(let sequence):
      .sequence(.init(sequence.map(untagged), .implicit, sequence.style))
    case .alias: .scalar(.init("alias"))
    }
  }

  var count: Int { Self.count(root) }

  static func count(_ node: Node) -> Int {
    switch node {
    case .mapping(let mapping): 1 + mapping.reduce(0) { $0 + count($1.key) + count($1.value) }
    case .sequence(let sequence): 1 + sequence.reduce(0) { $0 + count($1) }
    default: 1
    }
  }

  func node(at index: Int) -> Node {
    var found = root
    var left = index
    Self.visit(root, &left) { found = $0 }
    return found
  }

  static func visit(_ node: Node, _ left: inout Int, _ found: (Node) -> Void) {
    guard left >= 0 else { return }
    if left == 0 {
      found(node)
      left = -1
      return
    }
    left -= 1
    switch node {
    case .mapping(let mapping):
      for pair in mapping {
        visit(pair.key, &left, found)
        visit(pair.value, &left, found)
      }
    case .sequence(let sequence): for item in sequence { visit(item, &left, found) }
    default: break
    }
  }

  mutating func replace(at index: Int, _ transform: (Node) -> Node) {
    var left = index
    root = Self.rewrite(root, &left, transform)
  }

  static func rewrite(_ node: Node, _ left: inout Int, _ transform: (Node) -> Node) -> Node {
    guard left >= 0 else { return node }
    if left == 0 {
      left = -1
      return transform(node)
    }
    left -= 1
    switch node {
    case .mapping(let mapping):
      let pairs = mapping.map { pair in
        let key = rewrite(pair.key, &left, transform)
        return (key, rewrite(pair.value, &left, transform))
      }
      return .mapping(.init(pairs, .implicit, mapping.style))
    case .sequence(let sequence):
      return .sequence(
        .init(sequence.map { rewrite($0, &left, transform) }, .implicit, sequence.style))
    default: return node
    }
  }

  /// The pre-order numbers of the scalars that are values (not keys): where the numbers are.
  var valueScalars: [Int] {
    var found: [Int] = []
    var index = 0
    Self.collectValues(root, isKey: false, &index, &found)
    return found
  }

  static func collectValues(_ node: Node, isKey: Bool, _ next: inout Int, _ found: inout [Int]) {
    let index = next
    next += 1
    switch node {
    case .scalar: if !isKey { found.append(index) }
    case .mapping(let mapping):
      for pair in mapping {
        collectValues(pair.key, isKey: true, &next, &found)
        collectValues(pair.value, isKey: false, &next, &found)
      }
    case .sequence(let sequence):
      for item in sequence { collectValues(item, isKey: false, &next, &found) }
    case .alias: break
    }
  }

  /// One mutation: three times in four of a value, the numbers being what the loader must
  /// bound; else of any node (a key, a list, a mapping).
  mutating func mutate(_ random: inout SplitMix) {
    let values = valueScalars
    let onValue = random.below(4) != 0 && !values.isEmpty
    let index = onValue ? values[random.below(values.count)] : random.below(count)
    let graft = node(at: random.below(count))
    replace(at: index) { node in
      switch random.below(10) {
      case 0...6: Mutation.inPlace(node, &random)
      case 7, 8: Mutation.retype(node, &random)
      default: graft
      }
    }
  }

  /// The tree as YAML in `buffer`; nil when it cannot be written or does not fit.
  func write(to buffer: UnsafeMutablePointer<UInt8>, maxSize: Int) -> Int? {
    guard let text = try? Yams.serialize(node: root) else { return nil }
    let bytes = Array(text.utf8)
    guard bytes.count <= maxSize else { return nil }
    buffer.update(from: bytes, count: bytes.count)
    return bytes.count
  }
}

/// The mutations, each of one node.
enum Mutation {
  /// Values at and past the edges of every quantity a scenario sets, by the kind of text they
  /// replace, and a few that no quantity expects at all.
  static let integers = [
    "0", "1", "-1", "2", "8", "63", "64", "65", "999", "1000", "1001", "4095", "4096", "4097",
    "10000", "10001", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
    "18446744073709551616", "99999999999999999999999999", "0x0", "0xffffffff", "0x100000000",
    "0x40000000000", "0x3ffffffffff", "0xffffffffffffffff", "0x10000000000000000", "010", "0o17",
    "0b101", "1_000", "1:2:3:4:5:6:7:8:9:10:11:12", "1:00",
  ]
  static let decimals = [
    ".nan", ".inf", "-.inf", "1e308", "1e309", "-1e308", "1e300", "1e-320", "0.5", "1.5", "-0.0",
    "100.1", "0.000001", "1.0000001",
  ]
  static let sizes = [
    "0", "1", "4M", "5M", "4G", "4T", "5T", "4096T", "17179869183G", "17179869184G", "16777216T",
    "-1G", "1.5G", "0M", "18446744073709551615", "18446744073709547520",
  ]
  static let durations = [
    "0", "1us", "300ms", "1h", "61m", "10s", "11s", "1000000h", "1000001h", "1e400s", "-1s",
    "0.0000000001ms", "99999999999999999999h",
  ]
  static let uptimes = [
    "36500d", "36501d", "106751991167300d 1d", "99999999999999999d", "45d 8h 6m", "0s",
    "9223372036854775807", "-5",
  ]
  static let bandwidths = [
    "1kbit/s", "999bit/s", "1Tbit/s", "1000Gbit/s", "1001Gbit/s", "0bit/s", "unlimited",
    "0.0000001bit/s", "99999999999999999999Gbit/s",
  ]
  static let portRanges = [
    "0-65535", "1-1", "1-65535", "65535-65536", "5100-5000", "-1-5",
    "9223372036854775807-9223372036854775808",
  ]
  static let words = [
    "", "~", "true", "no", "x", "vol01@primary-vds0", "@", "primary", "sparc-t4-a",
  ]
  static let all = [integers, decimals, sizes, durations, uptimes, bandwidths, portRanges, words]

  /// The boundary values for text like `text`: sizes for a size, durations for a duration…
  static func boundaries(like text: String) -> [String] {
    let lowered = text.lowercased()
    if lowered.hasSuffix("bit/s") || lowered.hasSuffix("bps") || lowered == "unlimited" {
      return bandwidths
    }
    if lowered.contains(" ") || lowered.hasSuffix("d") { return uptimes }
    if let last = lowered.last, "kmgt".contains(last) || lowered.hasSuffix("b") { return sizes }
    if lowered.hasSuffix("s") { return durations }
    if lowered.dropFirst().contains("-") { return portRanges }
    if lowered.contains(".") || lowered.contains("e") && !lowered.hasPrefix("0x") {
      return decimals
    }
    if lowered.first?.isNumber == true { return integers }
    return words
  }

  /// Every key a scenario knows, so a mutation can add one the seed lacks.
  static let keys = [
    "name", "description", "migration", "hosts", "link", "latency", "downtime-limit",
    "max-passes", "auto-converge", "cpu", "type", "mhz", "stick-frequency", "strands",
    "strands-per-chip", "os", "manager", "memory", "reserved", "pa", "size", "users", "services",
    "vds", "vsw", "vcc", "domain", "volumes", "device", "options", "net-dev", "ports", "domains",
    "control", "state", "vcpus", "blocks", "cpu-arch", "disks", "volume", "networks", "switch",
    "console-group", "console-port", "io", "workload", "preset", "rate", "hot-set", "hot-writes",
    "fill", "uptime", "util",
  ]

  static func scalar(_ text: String) -> Node { .scalar(.init(text)) }

  /// A new value for a scalar, a changed list or a changed mapping.
  static func inPlace(_ node: Node, _ random: inout SplitMix) -> Node {
    switch node {
    case .scalar(let scalar): return number(scalar.string, &random)
    case .sequence(let sequence):
      var items = Array(sequence)
      guard !items.isEmpty else { return .sequence(.init([scalar(anyBoundary(&random))])) }
      let index = random.below(items.count)
      switch random.below(3) {
      case 0: items.insert(items[index], at: random.below(items.count + 1))
      case 1: items.remove(at: index)
      default: items.swapAt(index, random.below(items.count))
      }
      return .sequence(.init(items, .implicit, sequence.style))
    case .mapping(let mapping):
      var pairs = mapping.map { ($0.key, $0.value) }
      let index = random.below(max(pairs.count, 1))
      switch random.below(pairs.isEmpty ? 1 : 4) {
      case 0: pairs.append((scalar(pick(keys, &random)), scalar(anyBoundary(&random))))
      case 1: pairs.remove(at: index)
      case 2: pairs.insert(pairs[index], at: random.below(pairs.count + 1))
      default:
        let other = random.below(pairs.count)
        (pairs[index].1, pairs[other].1) = (pairs[other].1, pairs[index].1)
      }
      return .mapping(.init(pairs, .implicit, mapping.style))
    case .alias: return node
    }
  }

  /// A boundary value (most often of the kind of `text`), or the number in `text` pushed a
  /// little or a lot.
  static func number(_ text: String, _ random: inout SplitMix) -> Node {
    let digits = text.prefix { $0.isNumber }
    guard let value = Int(digits), random.below(3) == 0 else {
      let family = random.below(4) == 0 ? pick(all, &random) : boundaries(like: text)
      return scalar(pick(family, &random))
    }
    let unit = text.dropFirst(digits.count)
    let changed: String =
      switch random.below(6) {
      case 0: "\(value &+ 1)"
      case 1: "\(value &- 1)"
      case 2: "-\(value)"
      case 3: "\(value.multipliedReportingOverflow(by: 1024).partialValue)"
      case 4: "\(value).5"
      default: "\(value)\(pick(["", "0", "000000", "000000000000"], &random))"
      }
    return scalar(changed + unit)
  }

  /// The same content as another kind of node: a value becomes a list or a mapping and back.
  static func retype(_ node: Node, _ random: inout SplitMix) -> Node {
    switch node {
    case .scalar:
      return random.below(2) == 0
        ? .sequence(.init([node])) : .mapping(.init([(scalar(pick(keys, &random)), node)]))
    case .sequence(let sequence):
      if random.below(2) == 0, let first = sequence.first { return first }
      return .mapping(
        .init(sequence.enumerated().map { (scalar(keys[$0.offset % keys.count]), $0.element) }))
    case .mapping(let mapping):
      if random.below(2) == 0 { return .sequence(.init(mapping.map(\.value))) }
      return mapping.first?.value ?? scalar("")
    case .alias: return node
    }
  }

  static func anyBoundary(_ random: inout SplitMix) -> String {
    pick(pick(all, &random), &random)
  }

  static func pick<Value>(_ values: [Value], _ random: inout SplitMix) -> Value {
    values[random.below(values.count)]
  }
}

/// A small seeded generator (SplitMix64): libFuzzer's seed decides every choice, so a
/// mutation can be replayed.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound`; 0 when `bound` is 0.
  mutating func below(_ bound: Int) -> Int {
    bound > 0 ? Int(next() % UInt64(bound)) : 0
  }
}
