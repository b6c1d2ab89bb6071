/// What `ldm migrate-domain` asks for.
public struct MigrationRequest: Sendable, Equatable, Codable {
  /// The host the command runs on: the source.
  public var sourceHost: String
  public var domain: String
  /// The target host as typed; it may not exist.
  public var targetHost: String
  public var user: String
  public var password: String
  /// The name on the target (`host:newname` renames); defaults to the domain's name.
  public var targetName: String
  /// `-n`: run the pre-checks only.
  public var dryRun: Bool
  /// `-f`: proceed past cross-CPU warnings.
  public var force: Bool

  public init(
    sourceHost: String, domain: String, targetHost: String, user: String = "root",
    password: String, targetName: String? = nil, dryRun: Bool = false, force: Bool = false
  ) {
    self.sourceHost = sourceHost
    self.domain = domain
    self.targetHost = targetHost
    self.user = user
    self.password = password
    self.targetName = targetName ?? domain
    self.dryRun = dryRun
    self.force = force
  }
}
