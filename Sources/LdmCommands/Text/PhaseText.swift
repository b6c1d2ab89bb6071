import Migration

extension Phase {
  /// The phase's name as the console's timeline shows it.
  public var title: String {
    switch self {
    case .preChecks: "Pre-checks"
    case .targetCreation: "Target created"
    case .stateTransfer: "State transfer"
    case .suspension: "Suspend"
    case .handOff: "Hand-off"
    }
  }

  /// A one-line caption of what happens in the phase, for presenters.
  public var caption: String {
    switch self {
    case .preChecks:
      "The source checks that the target can take the domain: CPUs, memory, I/O, services."
    case .targetCreation:
      "A domain is created on the target and held bound until the migration completes."
    case .stateTransfer:
      "Memory is copied while the domain runs; pages it changes are sent again in later passes."
    case .suspension:
      "The source is suspended briefly while the last changed pages and the CPU state are sent."
    case .handOff:
      "The target resumes the domain and the source domain is destroyed."
    }
  }
}

extension PreCheck {
  /// The check's name in the log.
  public var title: String {
    switch self {
    case .targetReachable: "target reachable"
    case .authentication: "authentication"
    case .software: "software"
    case .domainState: "domain state"
    case .targetName: "target name"
    case .directIO: "direct I/O"
    case .cpus: "CPUs"
    case .cpuType: "CPU type"
    case .memory: "memory"
    case .virtualDisks: "virtual disks"
    case .virtualServices: "virtual services"
    case .consolePort: "console port"
    }
  }
}

/// Text from a peer or a file, made safe for one line: control characters are escaped.
public func oneLine(_ text: String) -> String {
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    case _ where scalar.properties.generalCategory == .control:
      result += "\\u{\(String(scalar.value, radix: 16))}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}
