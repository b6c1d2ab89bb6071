/// A refused command line or operation: the one line ldm prints for it.
public struct LdmError: Error, Equatable, CustomStringConvertible, Sendable {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
