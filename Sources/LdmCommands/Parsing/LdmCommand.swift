import Hypervisor

/// One parsed command, as typed at a host's shell: an `ldm` subcommand, `psrinfo -pv` or
/// `prtconf -pv`. Parse one with ``LdmCommandLine/parse(_:)``.
public enum LdmCommand: Sendable, Equatable {
  /// `ldm list-domain` (`list`, `ls`, `ls-dom`).
  case listDomains(ListOptions)
  /// `ldm list-services` (`ls-services`).
  case listServices
  /// `ldm set-domain cpu-arch=… NAME`.
  case setCPUArch(CPUArch, domain: String)
  case addDomain(String)
  case setVCPUs(Int, domain: String)
  case setMemory(UInt64, domain: String)
  case bindDomain(String)
  case startDomain(String)
  case stopDomain(String)
  case unbindDomain(String)
  case removeDomain(String)
  /// `ldm add-vds SERVICE DOMAIN`.
  case addDiskService(String, domain: String)
  case removeDiskService(String)
  /// `ldm add-vdsdev [options=…] BACKEND VOLUME@SERVICE`.
  case addVolume(VolumeReference, backend: String, options: String)
  case removeVolume(VolumeReference)
  /// `ldm add-vsw [net-dev=DEV] SWITCH DOMAIN`.
  case addSwitch(String, domain: String, netDevice: String)
  case removeSwitch(String)
  /// `ldm add-vcc port-range=LOW-HIGH NAME DOMAIN`.
  case addConsoleConcentrator(String, domain: String, ports: ClosedRange<Int>)
  case removeConsoleConcentrator(String)
  /// `ldm add-vdisk DISK VOLUME@SERVICE DOMAIN`.
  case addDisk(String, volume: VolumeReference, domain: String)
  case removeDisk(String, domain: String)
  /// `ldm add-vnet VNET SWITCH DOMAIN`.
  case addNetwork(String, switchName: String, domain: String)
  case removeNetwork(String, domain: String)
  /// `ldm migrate-domain` (`migrate`).
  case migrate(MigrateOptions)
  /// `ldm cancel-operation migration NAME` (`cancel-op`).
  case cancelMigration(domain: String)
  /// `psrinfo -pv`.
  case psrinfo
  /// `prtconf -pv`.
  case prtconf

  /// What `ldm list-domain` prints.
  public enum ListFormat: Sendable, Equatable {
    case table
    /// `-l`.
    case long
    /// `-p`.
    case parseable
    /// `-o status`.
    case status
  }

  /// `ldm list-domain [-l] [-p] [-o status] [NAME...]`.
  public struct ListOptions: Sendable, Equatable {
    public var format: ListFormat
    /// The domains asked for; empty lists them all.
    public var names: [String]

    public init(format: ListFormat = .table, names: [String] = []) {
      self.format = format
      self.names = names
    }
  }

  /// `ldm migrate-domain [-f] [-n] [-p FILE] SOURCE [USER@]HOST[:TARGET]`.
  public struct MigrateOptions: Sendable, Equatable {
    public var domain: String
    /// `user@`; defaults to the invoking user, `root`.
    public var user: String
    public var targetHost: String
    /// `:target-ldom`; nil keeps the name.
    public var targetName: String?
    /// `-n`.
    public var dryRun: Bool
    /// `-f`.
    public var force: Bool
    /// `-p FILE`, as typed.
    public var passwordFile: String?

    public init(
      domain: String, user: String = "root", targetHost: String, targetName: String? = nil,
      dryRun: Bool = false, force: Bool = false, passwordFile: String? = nil
    ) {
      self.domain = domain
      self.user = user
      self.targetHost = targetHost
      self.targetName = targetName
      self.dryRun = dryRun
      self.force = force
      self.passwordFile = passwordFile
    }
  }

  /// `vol01@primary-vds0`.
  public struct VolumeReference: Sendable, Equatable, CustomStringConvertible {
    public var volume: String
    public var service: String

    public init(volume: String, service: String) {
      self.volume = volume
      self.service = service
    }

    public var description: String { "\(volume)@\(service)" }
  }

  /// Whether running this command needs the target's password and none was given with `-p`:
  /// an interactive caller prompts `Target Password:` first.
  public var needsPasswordPrompt: Bool {
    if case .migrate(let options) = self { return options.passwordFile == nil }
    return false
  }
}
