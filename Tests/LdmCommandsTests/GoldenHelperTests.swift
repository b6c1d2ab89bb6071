import TestSupport
import Testing

@Suite struct GoldenHelperTests {
  @Test func diffMarksRemovedAndAddedLines() {
    #expect(
      Golden.diff("NAME\nldom01\nSTATUS", "NAME\nldom02\nSTATUS") == """
          NAME
        - ldom01
        + ldom02
          STATUS
        """)
  }

  @Test func aMissingGoldenIsReported() {
    guard !Golden.isUpdating else { return }
    let mismatch = Golden.mismatch("text", file: "no-such-golden.txt")
    #expect(mismatch?.contains("UPDATE_GOLDENS=1") == true)
  }

  @Test func aDifferentGoldenIsReportedWithItsDiff() {
    guard !Golden.isUpdating else { return }
    let mismatch = Golden.mismatch("only this\n", file: "psrinfo-pv.txt")
    #expect(mismatch?.hasPrefix("psrinfo-pv.txt differs (- golden, + actual):") == true)
    #expect(mismatch?.contains("+ only this") == true)
  }
}
