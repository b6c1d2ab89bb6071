import ArgumentParser

/// The page stream's options of the console and `ldmd`, laid over a scenario's `migration:`
/// block (``LdmConsole/applying(_:to:command:)``).
struct StreamOptions: ParsableArguments {
  @Option(help: "Compress each batch of pages: none, lz4 or zstd.")
  var compress: String?

  @Option(help: "Page channels per migration, 1 to 16, each with its own thread.")
  var channels: String?

  @Flag(help: "Send pages sent again as their differences from what the target holds (XBZRLE).")
  var xbzrle = false

  @Option(help: ArgumentHelp("The source's XBZRLE page cache, e.g. 64M.", valueName: "SIZE"))
  var xbzrleCache: String?

  /// The first option given, for a refusal that names it.
  var firstGiven: String? {
    [
      ("--compress", compress != nil), ("--channels", channels != nil), ("--xbzrle", xbzrle),
      ("--xbzrle-cache", xbzrleCache != nil),
    ].first { $0.1 }?.0
  }
}
