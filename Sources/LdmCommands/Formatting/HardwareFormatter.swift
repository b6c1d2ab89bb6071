import Hypervisor

/// `psrinfo -pv` and `prtconf -pv` as run in the control domain: Solaris there sees the
/// control domain's virtual processors, grouped by the physical chip their strands sit on.
public enum HardwareFormatter {
  /// One block per physical processor, in the seed's format.
  public static func psrinfo(_ host: HostSnapshot) -> [String] {
    var lines: [String] = []
    for chip in chips(host) {
      let count = chip.virtualProcessors.count
      lines.append(
        "The physical processor has \(count) virtual processor\(count == 1 ? "" : "s")"
          + " (\(ranges(chip.virtualProcessors)))")
      lines.append("  \(host.cpu.type) (chipid \(chip.id), clock \(host.cpu.mhz) MHz)")
    }
    return lines
  }

  /// An excerpt of the PROM device tree: the root node (with `stick-frequency` as eight
  /// zero-padded hex digits, as in the seed) and one node per virtual processor.
  public static func prtconf(_ host: HostSnapshot) -> [String] {
    let control = host.domains.first { $0.isControl }
    let memory = (control?.memorySize ?? host.memoryTotal) / ByteSize.mebibyte
    let model = host.cpu.type.replacingDashes()
    var lines = [
      "System Configuration:  Oracle Corporation  sun4v",
      "Memory size: \(memory) Megabytes",
      "System Peripherals (PROM Nodes):",
      "",
      "Node 0xf00000",
      "    scsi-initiator-id:  00000007",
      "    stick-frequency:  \(hex(host.cpu.stickFrequency, width: 8))",
      "    banner-name:  '\(model)'",
      "    name:  'ORCL,\(host.cpu.type)'",
      "    device_type:  'sun4v'",
    ]
    var node: UInt64 = 0xf0_0100
    for chip in chips(host) {
      for (vid, strand) in zip(chip.virtualProcessors, chip.strands) {
        lines += [
          "",
          "    Node 0x\(hex(node, width: 6))",
          "        clock-frequency:  \(hex(UInt64(host.cpu.mhz) * 1_000_000, width: 8))",
          "        cpuid:  \(hex(UInt64(vid), width: 8))",
          "        reg:  \(hex(UInt64(strand), width: 8))",
          "        compatible:  'SUNW,\(host.cpu.type)'",
          "        device_type:  'cpu'",
          "        name:  'cpu'",
        ]
        node += 1
      }
    }
    return lines
  }

  struct Chip {
    var id: Int
    /// Virtual processor ids as the control domain's Solaris numbers them.
    var virtualProcessors: [Int]
    var strands: [Int]
  }

  static func chips(_ host: HostSnapshot) -> [Chip] {
    // Without a control domain holding strands, describe the whole machine.
    let strands =
      host.domains.first { $0.isControl }?.strands.nilIfEmpty
      ?? Array(0..<host.cpu.strands)
    let perChip = max(host.cpu.strandsPerChip, 1)
    var chips: [Chip] = []
    for (vid, strand) in strands.enumerated() {
      let id = strand / perChip
      if chips.last?.id != id { chips.append(Chip(id: id, virtualProcessors: [], strands: [])) }
      chips[chips.count - 1].virtualProcessors.append(vid)
      chips[chips.count - 1].strands.append(strand)
    }
    return chips
  }

  /// `0-7`, or `0-3 8-11` when not contiguous.
  static func ranges(_ values: [Int]) -> String {
    var parts: [String] = []
    var start = values.first ?? 0
    var previous = start
    for value in values.dropFirst() + [Int.min] {
      if value == previous + 1 {
        previous = value
        continue
      }
      parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
      start = value
      previous = value
    }
    return values.isEmpty ? "" : parts.joined(separator: " ")
  }

  static func hex(_ value: UInt64, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

}

extension Array {
  fileprivate var nilIfEmpty: Self? { isEmpty ? nil : self }
}

extension String {
  fileprivate func replacingDashes() -> String {
    String(map { $0 == "-" ? " " : $0 })
  }
}
