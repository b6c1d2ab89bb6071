import Hypervisor

/// The subcommands that take fixed operands: lifecycle, services and devices, cancel.
extension LdmSubcommandParser {
  static func parseSimple(_ context: Context) throws(LdmError) -> LdmCommand {
    switch context.name {
    case "list-services":
      _ = try context.operands(0)
      return .listServices
    case "set-domain":
      let (properties, operands) = try context.properties(allowed: ["cpu-arch"], count: 1)
      guard let text = properties["cpu-arch"] else { throw context.usage }
      guard let arch = CPUArch(rawValue: text) else {
        throw LdmError(
          "Invalid cpu-arch: \(text) (expected native, generic or migration-class1)")
      }
      return .setCPUArch(arch, domain: operands[0])
    case "set-vcpu":
      let operands = try context.operands(2)
      guard operands[0].allSatisfy(\.isASCIIDigit), let count = Int(operands[0]) else {
        throw LdmError("Invalid number of VCPUs: \(operands[0])")
      }
      return .setVCPUs(count, domain: operands[1])
    case "set-memory":
      let operands = try context.operands(2)
      guard let size = ByteSize.parse(operands[0]) else {
        throw LdmError("Invalid memory size: \(operands[0])")
      }
      return .setMemory(size, domain: operands[1])
    case "cancel-operation":
      let operands = try context.operands(2)
      guard operands[0] == "migration" else {
        throw LdmError(
          "Unsupported operation: \(operands[0]) (only a migration can be cancelled here)")
      }
      return .cancelMigration(domain: operands[1])
    default:
      return try parseDomainOrDevice(context)
    }
  }

  static func parseDomainOrDevice(_ context: Context) throws(LdmError) -> LdmCommand {
    switch context.name {
    case "add-domain": return .addDomain(try context.operands(1)[0])
    case "remove-domain": return .removeDomain(try context.operands(1)[0])
    case "bind-domain": return .bindDomain(try context.operands(1)[0])
    case "unbind-domain": return .unbindDomain(try context.operands(1)[0])
    case "start-domain": return .startDomain(try context.operands(1)[0])
    case "stop-domain": return .stopDomain(try context.operands(1)[0])
    case "add-vds":
      let operands = try context.operands(2)
      return .addDiskService(operands[0], domain: operands[1])
    case "remove-vds": return .removeDiskService(try context.operands(1)[0])
    case "add-vdsdev":
      let (properties, operands) = try context.properties(allowed: ["options"], count: 2)
      return .addVolume(
        try volumeReference(operands[1]), backend: operands[0],
        options: properties["options"] ?? "")
    case "remove-vdsdev": return .removeVolume(try volumeReference(context.operands(1)[0]))
    case "add-vsw":
      let (properties, operands) = try context.properties(allowed: ["net-dev"], count: 2)
      return .addSwitch(operands[0], domain: operands[1], netDevice: properties["net-dev"] ?? "")
    case "remove-vsw": return .removeSwitch(try context.operands(1)[0])
    case "add-vcc":
      let (properties, operands) = try context.properties(allowed: ["port-range"], count: 2)
      guard let text = properties["port-range"] else { throw context.usage }
      guard let ports = parsePortRange(text) else {
        throw LdmError("Invalid port range: \(text) (expected LOW-HIGH, e.g. 5000-5100)")
      }
      return .addConsoleConcentrator(operands[0], domain: operands[1], ports: ports)
    case "remove-vcc": return .removeConsoleConcentrator(try context.operands(1)[0])
    case "add-vdisk":
      let operands = try context.operands(3)
      return .addDisk(operands[0], volume: try volumeReference(operands[1]), domain: operands[2])
    case "remove-vdisk":
      let operands = try context.operands(2)
      return .removeDisk(operands[0], domain: operands[1])
    case "add-vnet":
      let operands = try context.operands(3)
      return .addNetwork(operands[0], switchName: operands[1], domain: operands[2])
    case "remove-vnet":
      let operands = try context.operands(2)
      return .removeNetwork(operands[0], domain: operands[1])
    default:
      // Every canonical name in the alias table has a case above or in the callers.
      throw LdmError("Unknown command: ldm \(context.name)")
    }
  }

  static func volumeReference(_ text: String) throws(LdmError) -> LdmCommand.VolumeReference {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw LdmError("Invalid volume: \(text) (expected volume-name@service-name)")
    }
    return .init(volume: String(parts[0]), service: String(parts[1]))
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
