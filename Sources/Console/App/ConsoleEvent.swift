import Engine
import LdmCommands
import Migration

/// Everything that can change the console: keys, the terminal, the engine.
public enum ConsoleEvent: Sendable, Equatable {
  case key(KeyEvent)
  /// The terminal's new size in cells.
  case resize(width: Int, height: Int)
  /// The engine published a new picture of the datacenter.
  case snapshot(LiveSnapshot)
  /// The engine answered a command.
  case report(EngineReport)
  /// The executable could not load the theme `t` asked for; it keeps the one in use.
  case themeLoadFailed(name: String, message: String)
}

/// What `ConsoleApp.update` asks the outside world to do.
public enum ConsoleCommand: Sendable, Equatable {
  /// Send to the engine thread.
  case engine(EngineCommand)
  /// Load and apply the theme of this name (answered by `.themeLoadFailed` on failure).
  case setTheme(String)
  /// Leave the console: restore the terminal and end the program.
  case quit
}
