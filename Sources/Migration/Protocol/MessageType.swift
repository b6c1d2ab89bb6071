/// The type byte of each message (docs/protocol.md, "Messages").
public enum MessageType: UInt8, Sendable, CaseIterable {
  case hello = 0x01
  case helloAccepted = 0x02
  case authenticate = 0x03
  case authenticated = 0x04
  case preCheckQuestion = 0x05
  case preCheckAnswer = 0x06
  case createTarget = 0x07
  case targetCreated = 0x08
  case beginPass = 0x09
  case pages = 0x0A
  case endPass = 0x0B
  case passAcknowledged = 0x0C
  case suspend = 0x0D
  case cpuState = 0x0E
  case handOff = 0x0F
  case resumed = 0x10
  case cancel = 0x11
  case error = 0x12
  case keepalive = 0x13
  case recoveryQuery = 0x14
  case recoveryAnswer = 0x15
  case goodbye = 0x16
  case compressedPages = 0x17
  case joinChannel = 0x18
  case channelSync = 0x19

  init(_ message: MigrationMessage) {
    switch message {
    case .hello: self = .hello
    case .helloAccepted: self = .helloAccepted
    case .authenticate: self = .authenticate
    case .authenticated: self = .authenticated
    case .preCheckQuestion: self = .preCheckQuestion
    case .preCheckAnswer: self = .preCheckAnswer
    case .createTarget: self = .createTarget
    case .targetCreated: self = .targetCreated
    case .beginPass: self = .beginPass
    case .pages: self = .pages
    case .endPass: self = .endPass
    case .passAcknowledged: self = .passAcknowledged
    case .suspend: self = .suspend
    case .cpuState: self = .cpuState
    case .handOff: self = .handOff
    case .resumed: self = .resumed
    case .cancel: self = .cancel
    case .error: self = .error
    case .keepalive: self = .keepalive
    case .recoveryQuery: self = .recoveryQuery
    case .recoveryAnswer: self = .recoveryAnswer
    case .goodbye: self = .goodbye
    case .compressedPages: self = .compressedPages
    case .joinChannel: self = .joinChannel
    case .channelSync: self = .channelSync
    }
  }

  /// The name docs/protocol.md gives it.
  public var name: String {
    switch self {
    case .hello: "HELLO"
    case .helloAccepted: "HELLO-ACCEPTED"
    case .authenticate: "AUTHENTICATE"
    case .authenticated: "AUTHENTICATED"
    case .preCheckQuestion: "PRE-CHECK-QUESTION"
    case .preCheckAnswer: "PRE-CHECK-ANSWER"
    case .createTarget: "CREATE-TARGET"
    case .targetCreated: "TARGET-CREATED"
    case .beginPass: "BEGIN-PASS"
    case .pages: "PAGES"
    case .endPass: "END-PASS"
    case .passAcknowledged: "PASS-ACKNOWLEDGED"
    case .suspend: "SUSPEND"
    case .cpuState: "CPU-STATE"
    case .handOff: "HAND-OFF"
    case .resumed: "RESUMED"
    case .cancel: "CANCEL"
    case .error: "ERROR"
    case .keepalive: "KEEPALIVE"
    case .recoveryQuery: "RECOVERY-QUERY"
    case .recoveryAnswer: "RECOVERY-ANSWER"
    case .goodbye: "GOODBYE"
    case .compressedPages: "PAGES-COMPRESSED"
    case .joinChannel: "CHANNEL-JOIN"
    case .channelSync: "CHANNEL-SYNC"
    }
  }
}
