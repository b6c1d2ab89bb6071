import Hypervisor
import Testing

@Suite struct ByteSizeTests {
  @Test(arguments: [
    (UInt64(512) << 20, "512M"), (UInt64(1) << 30, "1G"), (UInt64(32544) << 20, "32544M"),
    (UInt64(64) << 30, "64G"), (UInt64(3) << 10, "3K"), (UInt64(1000), "1000"),
  ])
  func formatsInLargestExactUnit(bytes: UInt64, text: String) {
    #expect(ByteSize.format(bytes) == text)
  }

  @Test(arguments: [
    ("1G", UInt64(1) << 30), ("512M", UInt64(512) << 20), ("2048k", UInt64(2) << 20),
    ("1GB", UInt64(1) << 30), ("4GiB", UInt64(4) << 30), ("8192", UInt64(8192)),
  ])
  func parses(text: String, bytes: UInt64) {
    #expect(ByteSize.parse(text) == bytes)
  }

  @Test(arguments: ["", "G", "1.5G", "-1G", "1X", "one", "1 G B", "99999999999999999999T"])
  func rejectsMalformed(text: String) {
    #expect(ByteSize.parse(text) == nil)
  }
}
