/// A refused operation on the hypervisor model, with the one-line message ldm prints.
public struct HypervisorError: Error, Equatable, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
