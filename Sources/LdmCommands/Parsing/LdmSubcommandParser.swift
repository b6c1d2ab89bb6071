import Hypervisor

/// Parses the words after `ldm`: the subcommand (or one of its aliases), its options and its
/// operands.
enum LdmSubcommandParser {
  /// Every spelling real ldm accepts, to the canonical name.
  static let aliases: [String: String] = [
    "list-domain": "list-domain", "list": "list-domain", "ls": "list-domain",
    "ls-dom": "list-domain", "list-dom": "list-domain",
    "list-services": "list-services", "ls-services": "list-services",
    "set-domain": "set-domain", "set-dom": "set-domain",
    "add-domain": "add-domain", "add-dom": "add-domain",
    "remove-domain": "remove-domain", "rm-domain": "remove-domain", "rm-dom": "remove-domain",
    "set-vcpu": "set-vcpu",
    "set-memory": "set-memory", "set-mem": "set-memory",
    "bind-domain": "bind-domain", "bind": "bind-domain",
    "unbind-domain": "unbind-domain", "unbind": "unbind-domain",
    "start-domain": "start-domain", "start": "start-domain",
    "stop-domain": "stop-domain", "stop": "stop-domain",
    "add-vds": "add-vds", "add-vdiskserver": "add-vds",
    "remove-vds": "remove-vds", "rm-vds": "remove-vds", "remove-vdiskserver": "remove-vds",
    "add-vdsdev": "add-vdsdev", "add-vdiskserverdevice": "add-vdsdev",
    "remove-vdsdev": "remove-vdsdev", "rm-vdsdev": "remove-vdsdev",
    "remove-vdiskserverdevice": "remove-vdsdev",
    "add-vsw": "add-vsw", "add-vswitch": "add-vsw",
    "remove-vsw": "remove-vsw", "rm-vsw": "remove-vsw", "remove-vswitch": "remove-vsw",
    "add-vcc": "add-vcc", "add-vconscon": "add-vcc",
    "remove-vcc": "remove-vcc", "rm-vcc": "remove-vcc", "remove-vconscon": "remove-vcc",
    "add-vdisk": "add-vdisk",
    "remove-vdisk": "remove-vdisk", "rm-vdisk": "remove-vdisk",
    "add-vnet": "add-vnet",
    "remove-vnet": "remove-vnet", "rm-vnet": "remove-vnet",
    "migrate-domain": "migrate-domain", "migrate": "migrate-domain",
    "cancel-operation": "cancel-operation", "cancel-op": "cancel-operation",
  ]

  /// One usage line per canonical subcommand, printed when operands are missing or extra.
  static let usages: [String: String] = [
    "list-domain": "ldm list-domain [-l] [-p] [-o status] [ldom...]",
    "list-services": "ldm list-services",
    "set-domain": "ldm set-domain cpu-arch=native|generic|migration-class1 ldom",
    "add-domain": "ldm add-domain ldom",
    "remove-domain": "ldm remove-domain ldom",
    "set-vcpu": "ldm set-vcpu number ldom",
    "set-memory": "ldm set-memory size[unit] ldom",
    "bind-domain": "ldm bind-domain ldom",
    "unbind-domain": "ldm unbind-domain ldom",
    "start-domain": "ldm start-domain ldom",
    "stop-domain": "ldm stop-domain ldom",
    "add-vds": "ldm add-vds service-name ldom",
    "remove-vds": "ldm remove-vds service-name",
    "add-vdsdev": "ldm add-vdsdev [options=ro,slice,excl] backend volume-name@service-name",
    "remove-vdsdev": "ldm remove-vdsdev volume-name@service-name",
    "add-vsw": "ldm add-vsw [net-dev=device] vswitch-name ldom",
    "remove-vsw": "ldm remove-vsw vswitch-name",
    "add-vcc": "ldm add-vcc port-range=x-y vcc-name ldom",
    "remove-vcc": "ldm remove-vcc vcc-name",
    "add-vdisk": "ldm add-vdisk disk-name volume-name@service-name ldom",
    "remove-vdisk": "ldm remove-vdisk disk-name ldom",
    "add-vnet": "ldm add-vnet if-name vswitch-name ldom",
    "remove-vnet": "ldm remove-vnet if-name ldom",
    "migrate-domain":
      "ldm migrate-domain [-f] [-n] [-p password-file] source-ldom"
      + " [user@]target-host[:target-ldom]",
    "cancel-operation": "ldm cancel-operation migration ldom",
  ]

  static func parse(_ words: ArraySlice<String>) throws(LdmError) -> LdmCommand {
    guard let typed = words.first else {
      throw LdmError("Usage: ldm subcommand [option]... [operand]...")
    }
    guard let name = aliases[typed] else { throw LdmError("Unknown command: ldm \(typed)") }
    let context = Context(name: name, words: words.dropFirst())
    switch name {
    case "list-domain": return try parseList(context)
    case "migrate-domain": return try parseMigrate(context)
    default: return try parseSimple(context)
    }
  }

  /// A subcommand being parsed: its canonical name and its words after the name.
  struct Context {
    var name: String
    var words: ArraySlice<String>

    var usage: LdmError { LdmError("Usage: \(LdmSubcommandParser.usages[name] ?? name)") }

    /// The operands, refusing any option, with exactly `count` of them.
    func operands(_ count: Int, flags: Set<Character> = []) throws(LdmError) -> [String] {
      let scanned = try OptionScanner(flags: flags).scan(words)
      guard scanned.operands.count == count else { throw usage }
      return scanned.operands
    }

    /// `key=value` operands first, then exactly `count` plain operands.
    func properties(allowed: [String], count: Int) throws(LdmError)
      -> (properties: [String: String], operands: [String])
    {
      let scanned = try OptionScanner(flags: []).scan(words)
      var properties: [String: String] = [:]
      var plain: [String] = []
      for operand in scanned.operands {
        guard let equals = operand.firstIndex(of: "="), plain.isEmpty else {
          plain.append(operand)
          continue
        }
        let key = String(operand[..<equals])
        guard allowed.contains(key) else {
          throw LdmError(
            "Unsupported property: \(key) (ldm \(name) accepts "
              + allowed.joined(separator: ", ") + ")")
        }
        properties[key] = String(operand[operand.index(after: equals)...])
      }
      guard plain.count == count else { throw usage }
      return (properties, plain)
    }
  }

  static func parseList(_ context: Context) throws(LdmError) -> LdmCommand {
    let scanned = try OptionScanner(flags: ["l", "p"], valued: ["o"]).scan(context.words)
    var format = LdmCommand.ListFormat.table
    if scanned.has("l") { format = .long }
    if let output = scanned.value("o") {
      guard output == "status" else {
        throw LdmError(
          "Unsupported output format: \(output) (this console lists -o status only)")
      }
      format = .status
    }
    if scanned.has("p") {
      guard format == .table else {
        throw LdmError("Option -p cannot be combined with -l or -o")
      }
      format = .parseable
    }
    return .listDomains(.init(format: format, names: scanned.operands))
  }

  static func parseMigrate(_ context: Context) throws(LdmError) -> LdmCommand {
    let scanned = try OptionScanner(flags: ["f", "n"], valued: ["p"]).scan(context.words)
    guard scanned.operands.count == 2 else { throw context.usage }
    if let file = scanned.value("p"), file.isEmpty {
      throw LdmError("Option -p requires a password file name")
    }
    var target = Substring(scanned.operands[1])
    var user = "root"
    if let at = target.firstIndex(of: "@") {
      user = String(target[..<at])
      target = target[target.index(after: at)...]
    }
    var targetName: String?
    if let colon = target.firstIndex(of: ":") {
      targetName = String(target[target.index(after: colon)...])
      target = target[..<colon]
    }
    guard !user.isEmpty, !target.isEmpty, targetName != "", !target.contains("@") else {
      throw LdmError(
        "Invalid target: \(scanned.operands[1]) (expected [user@]target-host[:target-ldom])")
    }
    return .migrate(
      .init(
        domain: scanned.operands[0], user: user, targetHost: String(target),
        targetName: targetName, dryRun: scanned.has("n"), force: scanned.has("f"),
        passwordFile: scanned.value("p")))
  }
}
