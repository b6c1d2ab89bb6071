/// A scenario of two like hosts, sparc-t4-a and sparc-t4-b, with one domain to move: the
/// ground for measuring and breaking migrations between daemons, where the built-in
/// scenario's domains hold too little memory to keep a pass going long enough to cut it.
public struct TwoHostScenario: Sendable {
  /// The domain that moves, on sparc-t4-a.
  public var domain = "ldom01"
  /// Its memory, as a scenario writes it (`1G`).
  public var memory = "1G"
  /// The fraction of its memory a boot fills (1: every page written, none zero).
  public var fill = 1.0
  /// What the pages hold (`random`: nothing compresses).
  public var content = "random"
  /// The guest's workload preset.
  public var workload = "idle"

  public init() {}

  /// The scenario file's text.
  public var yaml: String {
    func host(_ name: String, domains: String) -> String {
      """
        - name: \(name)
          cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 64 }
          memory: 64G
          users: { root: secret }
          services:
            vcc: [ { name: primary-vcc0, ports: 5000-5100 } ]
          domains:
            - { name: primary, control: true, vcpus: 8, memory: 8G, util: 2.0, uptime: 1d 0h 0m }
      \(domains)
      """
    }
    let moving = """
            - name: \(domain)
              vcpus: 4
              memory: \(memory)
              workload: \(workload)
              content: \(content)
              fill: \(fill)
              uptime: 1h 0m
      """
    return """
      name: two-hosts
      description: Two like hosts and one domain of \(memory) to move between them.
      hosts:
      \(host("sparc-t4-a", domains: moving))
      \(host("sparc-t4-b", domains: ""))

      """
  }
}
