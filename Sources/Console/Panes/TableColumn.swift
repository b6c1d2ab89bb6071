import Hypervisor

/// A column of the `ldm list` table and how wide it is drawn.
struct TableColumn {
  enum Kind: CaseIterable {
    case name, state, flags, console, vcpu, memory, util, uptime

    var header: String {
      switch self {
      case .name: "NAME"
      case .state: "STATE"
      case .flags: "FLAGS"
      case .console: "CONS"
      case .vcpu: "VCPU"
      case .memory: "MEMORY"
      case .util: "UTIL"
      case .uptime: "UPTIME"
      }
    }

    /// The least width that holds any value: `suspended`, `45d 23h 59m`, `100%`.
    var compactWidth: Int {
      switch self {
      case .name: 4
      case .state: 9
      case .flags: 6
      case .console: 4
      case .vcpu: 4
      case .memory: 6
      case .util: 5
      case .uptime: 12
      }
    }

    /// Real ldm's padded width (column plus its gap), used when there is room.
    var ldmWidth: Int {
      switch self {
      case .name: 17
      case .state: 11
      case .flags: 8
      case .console: 8
      case .vcpu: 6
      case .memory: 9
      case .util: 6
      case .uptime: 13
      }
    }

    func text(of domain: DomainSnapshot) -> String {
      switch self {
      case .name: domain.name
      case .state: domain.state.rawValue
      case .flags: domain.flags
      case .console: domain.console
      case .vcpu: String(domain.vcpuCount)
      case .memory: ByteSize.format(domain.memorySize)
      case .util:
        domain.showsActivity ? domain.utilisation.map(Self.percent) ?? "" : ""
      case .uptime: domain.showsActivity ? Units.formatUptime(domain.uptimeSeconds) : ""
      }
    }

    func style(of domain: DomainSnapshot) -> Style {
      switch self {
      case .state:
        switch domain.state {
        case .active: Style(.stateActive)
        case .bound: Style(.stateBound)
        case .inactive: Style(.stateInactive)
        case .suspended: Style(.stateSuspended)
        }
      case .flags:
        switch domain.migrationRole {
        case .source?, .target?: Style(.flagMigration)
        case .error?: Style(.flagError)
        case nil: domain.isControl ? Style(.flagControl) : .text
        }
      default: .text
      }
    }

    /// `3.1%`, `12.0%`: one decimal, as `ldm list` prints UTIL.
    static func percent(_ value: Double) -> String {
      ByteSize.oneDecimalString(value) + "%"
    }
  }

  var kind: Kind
  var width: Int
  /// Spaces after the column.
  var gap: Int

  /// The columns every row keeps: a long name is shortened before any of these is dropped.
  static let essential: [Kind] = [.name, .state, .flags, .console, .vcpu]
  /// The NAME column is never narrower than this (then columns go instead).
  static let shortestName = 6

  /// The columns that fit in `width`, in ldm's order, dropping from the right: real ldm's
  /// widths when everything fits, else compact widths with one space between. A name too
  /// long for the essential columns to fit beside it gets a narrower column, cut with `…`.
  static func layout(nameWidth longestName: Int, width: Int) -> [TableColumn] {
    var nameWidth = max(Kind.name.compactWidth, longestName)
    let besideName = essential.dropFirst().reduce(0) { $0 + 1 + $1.compactWidth }
    if nameWidth + besideName > width {
      nameWidth = max(min(nameWidth, shortestName), width - besideName)
    }
    let ldmTotal =
      Kind.allCases.reduce(0) { $0 + $1.ldmWidth } - Kind.name.ldmWidth
      + max(Kind.name.ldmWidth, nameWidth + 1)
    if ldmTotal <= width {
      return Kind.allCases.map { kind in
        let total = kind == .name ? max(kind.ldmWidth, nameWidth + 1) : kind.ldmWidth
        return TableColumn(kind: kind, width: total - 1, gap: 1)
      }
    }
    var columns: [TableColumn] = []
    var used = 0
    for kind in Kind.allCases {
      let columnWidth = kind == .name ? nameWidth : kind.compactWidth
      let gap = columns.isEmpty ? 0 : 1
      guard used + gap + columnWidth <= width else { break }
      if !columns.isEmpty { columns[columns.count - 1].gap = 1 }
      columns.append(TableColumn(kind: kind, width: columnWidth, gap: 0))
      used += gap + columnWidth
    }
    // Spread what is left over the gaps, so the table fills the box instead of huddling left.
    let spare = width - used
    if columns.count > 1, spare > 0 {
      let extra = min(spare / (columns.count - 1), 1)
      for index in columns.indices.dropLast() { columns[index].gap += extra }
    }
    return columns
  }
}
