import Hypervisor
import Testing

/// Scenario inputs found by fuzzing (`Fuzz/`, target `scenario`), kept as regression tests.
@Suite struct BadInputTests {
  static func host(memory: String, domains: String) -> String {
    """
    hosts:
      - name: h1
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 8 }
        memory: \(memory)
        services:
          vds: [ { name: primary-vds0, volumes: [ { name: vol01, device: /dev/x } ] } ]
        domains:
        - { name: primary, control: true, vcpus: 1, memory: 1G }
    \(domains)
    """
  }

  /// Fuzzing found that a huge host let a huge domain through the size checks; binding it
  /// to validate the scenario then died mapping a terabyte page table (a trap, not an error).
  @Test func hugeHostIsRefusedBeforeAnythingIsAllocated() {
    let text = Self.host(
      memory: "1048576G", domains: "    - { name: big, vcpus: 1, memory: 1000000G }")
    #expect(
      throws: YAMLFileError(
        file: "bad.yaml", line: 4,
        reason: "'memory': expected a size from 4M to 4T (e.g. 64G), not '1048576G'")
    ) {
      try ScenarioLoader.load(text: text, file: "bad.yaml")
    }
  }

  /// The limit itself is allowed, and a byte count is held to it as a size with a unit is.
  @Test func hostMemoryLimitIsInclusive() throws {
    let largest = try ScenarioLoader.load(
      text: Self.host(memory: "4T", domains: ""), file: "ok.yaml")
    #expect(largest.hosts[0].memory == 4 << 40)
    let bytes = String((4 << 40) + 8192)
    #expect(throws: YAMLFileError.self) {
      try ScenarioLoader.load(text: Self.host(memory: bytes, domains: ""), file: "bad.yaml")
    }
  }
}
