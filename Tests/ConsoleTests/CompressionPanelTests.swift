import Compression
import Engine
import Hypervisor
import LdmCommands
import Migration
import TestSupport
import Testing

@testable import Console

/// The migration panel says what compression does: the codec and its ratio, the bytes of
/// pages before and after, and the CPU time of each side. Without compression nothing of it.
@Suite("Console: compression in the migration panel")
struct CompressionPanelTests {
  func panelStatistics(compress codec: CompressionCodec) throws -> String {
    var settings = EngineSettings(ScenarioLoader.builtin().migration)
    settings.compression = codec
    let datacenter = try Datacenter(
      scenario: ScenarioLoader.builtin(), settings: settings, populateMemory: true)
    let id = try datacenter.startMigration(AppFixtures.rename)
    datacenter.advance(
      until: { datacenter.migration(id).map { !$0.passes.isEmpty || $0.isFinished } ?? true },
      limit: 60)
    let state = AppFixtures.state(datacenter, width: 220, height: 40)
    let rows = ConsoleApp.view(state).rendered().split(separator: "\n").map(String.init)
    return try #require(rows.first { $0.contains("elapsed ") })
  }

  @Test func aCompressedMigrationShowsItsCodecRatioBytesAndCPU() throws {
    let line = try panelStatistics(compress: .zstd)
    #expect(line.contains("zstd "), "\(line)")
    #expect(line.contains("compress "), "\(line)")
    #expect(line.contains(" CPU"), "\(line)")
    #expect(line.contains("decompress "), "\(line)")
    #expect(line.contains("×"), "\(line)")
  }

  @Test func anUncompressedMigrationShowsNoCodec() throws {
    let line = try panelStatistics(compress: .none)
    #expect(!line.contains("compress"), "\(line)")
    #expect(!line.contains("×"), "\(line)")
  }
}
