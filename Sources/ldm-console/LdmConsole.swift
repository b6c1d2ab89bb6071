import ArgumentParser

@main
struct LdmConsole: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ldm-console",
    abstract: "Watch and drive live migrations of logical domains between two hypervisors.",
    version: "0.1.0",
    subcommands: [RunCommand.self])

  func run() throws {
    print(Self.helpMessage())
  }
}
