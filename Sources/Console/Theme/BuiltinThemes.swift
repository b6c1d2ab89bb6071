/// The shipped themes, compiled in so the binary needs no resource files.
///
/// Each string is byte for byte the file `Themes/NAME.yaml` (a test keeps them in step):
/// edit the file, then paste it here.
enum BuiltinThemes {
  /// Theme names in the order `t` cycles through them.
  static let names = ["default", "mono", "solarized-dark", "amber", "high-contrast"]

  static func source(named name: String) -> String? {
    switch name {
    case "default": defaultYAML
    case "mono": monoYAML
    case "solarized-dark": solarizedDarkYAML
    case "amber": amberYAML
    case "high-contrast": highContrastYAML
    default: nil
    }
  }

  static let defaultYAML = #"""
    # The default theme: the 16 named colours only, so it follows the terminal's own palette
    # and reads the same on 8-colour, 256-colour and truecolour terminals.
    name: default
    description: Named terminal colours; works on light and dark backgrounds.
    roles:
      text: {}
      text.dim: { fg: bright-black }
      title: { attrs: [bold] }
      border: { fg: blue }
      border.focus: { fg: cyan, attrs: [bold] }
      header: { fg: black, bg: green }
      selection: { fg: black, bg: cyan }
      state.active: { fg: green }
      state.bound: { fg: yellow }
      state.inactive: { fg: bright-black }
      state.suspended: { fg: magenta, attrs: [bold] }
      flag.control: { fg: cyan }
      flag.migration: { fg: magenta, attrs: [bold] }
      flag.error: { fg: red, attrs: [bold] }
      progress.done: { fg: green }
      progress.todo: { fg: bright-black }
      phase.done: { fg: green }
      phase.current: { fg: yellow, attrs: [bold] }
      phase.pending: { fg: bright-black }
      phase.failed: { fg: red, attrs: [bold] }
      stat.label: { fg: cyan }
      stat.value: { attrs: [bold] }
      stat.good: { fg: green }
      stat.bad: { fg: red, attrs: [bold] }
      sparkline.throughput: { fg: cyan }
      sparkline.dirty: { fg: yellow }
      log.time: { fg: bright-black }
      log.info: {}
      log.success: { fg: green }
      log.warning: { fg: yellow }
      log.error: { fg: red, attrs: [bold] }
      footer.key: { attrs: [bold] }
      footer.text: { fg: black, bg: cyan }
      dialog: { fg: white, bg: blue }
      dialog.title: { fg: bright-white, bg: blue, attrs: [bold] }
      input: { fg: black, bg: white }
      input.focus: { fg: black, bg: cyan }
      button: { fg: black, bg: white }
      button.focus: { fg: black, bg: cyan, attrs: [bold] }
      notice: { fg: black, bg: yellow, attrs: [bold] }

    """#

  static let monoYAML = #"""
    # Attributes only, no colours: for NO_COLOR, monochrome terminals and screen readers.
    # This is also the base every other theme inherits its missing roles from.
    name: mono
    description: No colours; bold, dim, underline and reverse only.
    roles:
      text: {}
      text.dim: { attrs: [dim] }
      title: { attrs: [bold] }
      border: {}
      border.focus: { attrs: [bold] }
      header: { attrs: [bold, underline] }
      selection: { attrs: [reverse] }
      state.active: { attrs: [bold] }
      state.bound: {}
      state.inactive: { attrs: [dim] }
      state.suspended: { attrs: [bold, underline] }
      flag.control: {}
      flag.migration: { attrs: [bold] }
      flag.error: { attrs: [bold, underline] }
      progress.done: { attrs: [bold] }
      progress.todo: { attrs: [dim] }
      phase.done: {}
      phase.current: { attrs: [bold, reverse] }
      phase.pending: { attrs: [dim] }
      phase.failed: { attrs: [bold, underline] }
      stat.label: {}
      stat.value: { attrs: [bold] }
      stat.good: {}
      stat.bad: { attrs: [bold, underline] }
      sparkline.throughput: {}
      sparkline.dirty: {}
      log.time: { attrs: [dim] }
      log.info: {}
      log.success: {}
      log.warning: { attrs: [bold] }
      log.error: { attrs: [bold, underline] }
      footer.key: { attrs: [bold] }
      footer.text: { attrs: [reverse] }
      dialog: {}
      dialog.title: { attrs: [bold] }
      input: { attrs: [underline] }
      input.focus: { attrs: [reverse] }
      button: {}
      button.focus: { attrs: [reverse, bold] }
      notice: { attrs: [bold, reverse] }

    """#

  static let solarizedDarkYAML = #"""
    # Ethan Schoonover's Solarized, dark variant. Best in truecolour; mapped to the nearest
    # xterm-256 colours otherwise (the background becomes a dark grey).
    name: solarized-dark
    description: Solarized dark (base03 background), for truecolour and 256-colour terminals.
    roles:
      text: { fg: "#839496", bg: "#002b36" }
      text.dim: { fg: "#586e75", bg: "#002b36" }
      title: { fg: "#93a1a1", bg: "#002b36", attrs: [bold] }
      border: { fg: "#586e75", bg: "#002b36" }
      border.focus: { fg: "#268bd2", bg: "#002b36", attrs: [bold] }
      header: { fg: "#93a1a1", bg: "#073642", attrs: [bold] }
      selection: { fg: "#fdf6e3", bg: "#268bd2" }
      state.active: { fg: "#859900", bg: "#002b36" }
      state.bound: { fg: "#b58900", bg: "#002b36" }
      state.inactive: { fg: "#586e75", bg: "#002b36" }
      state.suspended: { fg: "#d33682", bg: "#002b36", attrs: [bold] }
      flag.control: { fg: "#2aa198", bg: "#002b36" }
      flag.migration: { fg: "#6c71c4", bg: "#002b36", attrs: [bold] }
      flag.error: { fg: "#dc322f", bg: "#002b36", attrs: [bold] }
      progress.done: { fg: "#859900", bg: "#002b36" }
      progress.todo: { fg: "#073642", bg: "#002b36" }
      phase.done: { fg: "#859900", bg: "#002b36" }
      phase.current: { fg: "#b58900", bg: "#002b36", attrs: [bold] }
      phase.pending: { fg: "#586e75", bg: "#002b36" }
      phase.failed: { fg: "#dc322f", bg: "#002b36", attrs: [bold] }
      stat.label: { fg: "#2aa198", bg: "#002b36" }
      stat.value: { fg: "#93a1a1", bg: "#002b36", attrs: [bold] }
      stat.good: { fg: "#859900", bg: "#002b36" }
      stat.bad: { fg: "#dc322f", bg: "#002b36", attrs: [bold] }
      sparkline.throughput: { fg: "#268bd2", bg: "#002b36" }
      sparkline.dirty: { fg: "#cb4b16", bg: "#002b36" }
      log.time: { fg: "#586e75", bg: "#002b36" }
      log.info: { fg: "#839496", bg: "#002b36" }
      log.success: { fg: "#859900", bg: "#002b36" }
      log.warning: { fg: "#b58900", bg: "#002b36" }
      log.error: { fg: "#dc322f", bg: "#002b36", attrs: [bold] }
      footer.key: { fg: "#fdf6e3", bg: "#073642", attrs: [bold] }
      footer.text: { fg: "#93a1a1", bg: "#073642" }
      dialog: { fg: "#839496", bg: "#073642" }
      dialog.title: { fg: "#93a1a1", bg: "#073642", attrs: [bold] }
      input: { fg: "#93a1a1", bg: "#002b36" }
      input.focus: { fg: "#fdf6e3", bg: "#268bd2" }
      button: { fg: "#93a1a1", bg: "#586e75" }
      button.focus: { fg: "#fdf6e3", bg: "#268bd2", attrs: [bold] }
      notice: { fg: "#002b36", bg: "#b58900", attrs: [bold] }

    """#

  static let amberYAML = #"""
    # An amber phosphor terminal: every role is a shade of amber on black, told apart by
    # brightness and attributes. Meant for 256-colour and truecolour terminals.
    name: amber
    description: Amber on black, like a 1980s phosphor terminal.
    roles:
      text: { fg: "#ffb000", bg: "#000000" }
      text.dim: { fg: "#9a6a00", bg: "#000000" }
      title: { fg: "#ffcc00", bg: "#000000", attrs: [bold] }
      border: { fg: "#9a6a00", bg: "#000000" }
      border.focus: { fg: "#ffcc00", bg: "#000000", attrs: [bold] }
      header: { fg: "#000000", bg: "#ffb000", attrs: [bold] }
      selection: { fg: "#000000", bg: "#ffb000" }
      state.active: { fg: "#ffcc00", bg: "#000000", attrs: [bold] }
      state.bound: { fg: "#ffb000", bg: "#000000" }
      state.inactive: { fg: "#9a6a00", bg: "#000000" }
      state.suspended: { fg: "#ffcc00", bg: "#000000", attrs: [bold, underline] }
      flag.control: { fg: "#ffb000", bg: "#000000" }
      flag.migration: { fg: "#ffcc00", bg: "#000000", attrs: [bold] }
      flag.error: { fg: "#ff8000", bg: "#000000", attrs: [bold, underline] }
      progress.done: { fg: "#ffb000", bg: "#000000" }
      progress.todo: { fg: "#5f3f00", bg: "#000000" }
      phase.done: { fg: "#ffb000", bg: "#000000" }
      phase.current: { fg: "#000000", bg: "#ffcc00", attrs: [bold] }
      phase.pending: { fg: "#9a6a00", bg: "#000000" }
      phase.failed: { fg: "#ff8000", bg: "#000000", attrs: [bold, underline] }
      stat.label: { fg: "#9a6a00", bg: "#000000" }
      stat.value: { fg: "#ffcc00", bg: "#000000", attrs: [bold] }
      stat.good: { fg: "#ffb000", bg: "#000000" }
      stat.bad: { fg: "#ff8000", bg: "#000000", attrs: [bold] }
      sparkline.throughput: { fg: "#ffcc00", bg: "#000000" }
      sparkline.dirty: { fg: "#ff8000", bg: "#000000" }
      log.time: { fg: "#9a6a00", bg: "#000000" }
      log.info: { fg: "#ffb000", bg: "#000000" }
      log.success: { fg: "#ffcc00", bg: "#000000" }
      log.warning: { fg: "#ff8000", bg: "#000000" }
      log.error: { fg: "#ff8000", bg: "#000000", attrs: [bold, underline] }
      footer.key: { fg: "#000000", bg: "#ffcc00", attrs: [bold] }
      footer.text: { fg: "#000000", bg: "#9a6a00" }
      dialog: { fg: "#ffb000", bg: "#1c1200" }
      dialog.title: { fg: "#ffcc00", bg: "#1c1200", attrs: [bold] }
      input: { fg: "#ffb000", bg: "#3a2800", attrs: [underline] }
      input.focus: { fg: "#000000", bg: "#ffb000" }
      button: { fg: "#ffb000", bg: "#3a2800" }
      button.focus: { fg: "#000000", bg: "#ffcc00", attrs: [bold] }
      notice: { fg: "#000000", bg: "#ff8000", attrs: [bold] }

    """#

  static let highContrastYAML = #"""
    # Maximum contrast for projectors and low vision: bright colours on black, bold text,
    # reverse video for anything that must stand out.
    name: high-contrast
    description: Bright colours on black with bold text, for projectors and low vision.
    roles:
      text: { fg: bright-white, bg: black }
      text.dim: { fg: white, bg: black }
      title: { fg: bright-yellow, bg: black, attrs: [bold] }
      border: { fg: bright-white, bg: black }
      border.focus: { fg: bright-yellow, bg: black, attrs: [bold] }
      header: { fg: black, bg: bright-white, attrs: [bold] }
      selection: { fg: black, bg: bright-yellow, attrs: [bold] }
      state.active: { fg: bright-green, bg: black, attrs: [bold] }
      state.bound: { fg: bright-yellow, bg: black, attrs: [bold] }
      state.inactive: { fg: white, bg: black }
      state.suspended: { fg: bright-magenta, bg: black, attrs: [bold, underline] }
      flag.control: { fg: bright-cyan, bg: black, attrs: [bold] }
      flag.migration: { fg: bright-magenta, bg: black, attrs: [bold] }
      flag.error: { fg: bright-red, bg: black, attrs: [bold, underline] }
      progress.done: { fg: bright-green, bg: black, attrs: [bold] }
      progress.todo: { fg: white, bg: black }
      phase.done: { fg: bright-green, bg: black, attrs: [bold] }
      phase.current: { fg: black, bg: bright-yellow, attrs: [bold] }
      phase.pending: { fg: white, bg: black }
      phase.failed: { fg: bright-white, bg: red, attrs: [bold] }
      stat.label: { fg: bright-cyan, bg: black }
      stat.value: { fg: bright-white, bg: black, attrs: [bold] }
      stat.good: { fg: bright-green, bg: black, attrs: [bold] }
      stat.bad: { fg: bright-red, bg: black, attrs: [bold] }
      sparkline.throughput: { fg: bright-cyan, bg: black }
      sparkline.dirty: { fg: bright-yellow, bg: black }
      log.time: { fg: white, bg: black }
      log.info: { fg: bright-white, bg: black }
      log.success: { fg: bright-green, bg: black, attrs: [bold] }
      log.warning: { fg: bright-yellow, bg: black, attrs: [bold] }
      log.error: { fg: bright-red, bg: black, attrs: [bold, underline] }
      footer.key: { fg: black, bg: bright-yellow, attrs: [bold] }
      footer.text: { fg: black, bg: bright-white }
      dialog: { fg: bright-white, bg: blue }
      dialog.title: { fg: bright-yellow, bg: blue, attrs: [bold] }
      input: { fg: bright-white, bg: black, attrs: [underline] }
      input.focus: { fg: black, bg: bright-yellow, attrs: [bold] }
      button: { fg: black, bg: white }
      button.focus: { fg: black, bg: bright-yellow, attrs: [bold] }
      notice: { fg: bright-white, bg: red, attrs: [bold] }

    """#
}
