import Engine
import Foundation
import LdmCommands
import Migration

/// What a console (or `run --connect`) and an ldmd say to each other on a control
/// connection (docs/protocol.md, "Control connections"): frames of type `0x40` holding one
/// JSON value each. The console sends the commands it would send its own engine thread; the
/// daemon answers with its host's state a few times a second, the events since the last, and
/// the reports of the console's commands.
public enum ControlMessage: Codable, Sendable, Equatable {
  /// Console → daemon, first. `resume` is where the console's events stopped on an earlier
  /// connection, so that a reconnected console is not sent them again.
  case hello(version: Int, client: String, resume: EventCursor?)
  /// Daemon → console: who it is, and which run of the daemon (a restarted daemon numbers its
  /// events afresh).
  case welcome(version: Int, host: String, boot: String)
  /// Console → daemon.
  case command(EngineCommand)
  /// Daemon → console: its host as it stands and what happened since the last state, the
  /// last of it being event number `through`.
  case state(DatacenterSnapshot, events: [MigrationEvent], through: Int)
  /// Daemon → console: the answer to a command.
  case report(EngineReport)
  /// Daemon → console: the control connection is refused, and why.
  case refused(String)

  /// A place in a daemon's events: the daemon's run and the number of the last event seen.
  public struct EventCursor: Codable, Sendable, Equatable {
    public var boot: String
    public var sequence: Int

    public init(boot: String, sequence: Int) {
      self.boot = boot
      self.sequence = sequence
    }
  }

  /// The frame type of control messages, apart from the migration protocol's.
  public static let frameType: UInt8 = 0x40
  public static let version = 1

  public func frame() -> [UInt8] {
    let encoder = JSONEncoder()
    // Values of the engine's own types: encoding them cannot fail.
    let body = (try? encoder.encode(self)).map { Array($0) } ?? []
    let length = UInt32(body.count + 1)
    return [
      UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
      UInt8(length & 0xFF), Self.frameType,
    ] + body
  }

  /// The message in a frame without its length (as the framing delivers it).
  public static func decode(body: [UInt8]) throws(ProtocolError) -> ControlMessage {
    guard body.first == frameType else {
      throw ProtocolError(
        "not a control message: frame type \(body.first.map { String($0) } ?? "none")")
    }
    do {
      return try JSONDecoder().decode(ControlMessage.self, from: Data(body.dropFirst()))
    } catch {
      throw ProtocolError("bad control message: its JSON does not decode")
    }
  }
}
