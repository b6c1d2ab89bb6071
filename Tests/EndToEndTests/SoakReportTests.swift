import Foundation
import Testing

extension EndToEnd {
  /// `ldm-console soak` as its reader sees it: the resident memory at the start, half-way and
  /// the end, and the peak the process reached (VmHWM), which no three samples can show.
  @Suite("End to end: the soak's report") struct SoakReportTests {
    @Test func theReportNamesThePeakResidentMemoryAboveEverySample() throws {
      let exit = try BadInputTests.run(
        ["soak", "--migrations", "6", "--seed", "3"], environment: BadInputTests.plain)
      #expect(exit.status == 0, "\(exit.errors)")
      let line = exit.output.split(separator: "\n").first { $0.contains("process resident") }
      let figures = (line ?? "").split(separator: " ").compactMap { Double($0) }
      // start, half-way, end, peak: in MiB.
      try #require(figures.count == 4, "\(exit.output)")
      #expect(line?.contains("peak (VmHWM)") == true, "\(exit.output)")
      #expect(figures[3] >= figures[0] && figures[3] >= figures[1] && figures[3] >= figures[2])
    }
  }
}
