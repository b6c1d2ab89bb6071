/// A semantic colour role: the only way widgets ask for a look.
///
/// Widgets never name colours (htop's lesson): they name what a cell *means*, and the theme
/// decides how that looks on the terminal at hand. The raw value is the key used in theme files.
public enum Role: String, CaseIterable, Sendable {
  case text
  case textDim = "text.dim"
  case title
  case border
  case borderFocus = "border.focus"
  case header
  case selection
  case stateActive = "state.active"
  case stateBound = "state.bound"
  case stateInactive = "state.inactive"
  case stateSuspended = "state.suspended"
  case flagControl = "flag.control"
  case flagMigration = "flag.migration"
  case flagError = "flag.error"
  case progressDone = "progress.done"
  case progressTodo = "progress.todo"
  case phaseDone = "phase.done"
  case phaseCurrent = "phase.current"
  case phasePending = "phase.pending"
  case phaseFailed = "phase.failed"
  case statLabel = "stat.label"
  case statValue = "stat.value"
  case statGood = "stat.good"
  case statBad = "stat.bad"
  case sparklineThroughput = "sparkline.throughput"
  case sparklineDirty = "sparkline.dirty"
  case logTime = "log.time"
  case logInfo = "log.info"
  case logSuccess = "log.success"
  case logWarning = "log.warning"
  case logError = "log.error"
  case footerKey = "footer.key"
  case footerText = "footer.text"
  case dialog
  case dialogTitle = "dialog.title"
  case input
  case inputFocus = "input.focus"
  case button
  case buttonFocus = "button.focus"
  case notice

  /// The position of the role in `allCases`, for table lookups on the drawing path.
  public var ordinal: Int { Int(Self.ordinals[self]!) }

  private static let ordinals: [Role: UInt8] = Dictionary(
    uniqueKeysWithValues: allCases.enumerated().map { ($1, UInt8($0)) }
  )
}
