import Engine
import Hypervisor
import Migration

/// One host's box: a title with its CPU and free resources, and its `ldm list` table with a
/// progress bar under every domain that is migrating.
struct HostTablePane {
  var host: HostSnapshot
  var datacenter: DatacenterSnapshot
  var selection: DomainSelection
  var isFocused: Bool
  /// The NAME column's width, shared by both boxes so that their columns line up.
  var nameWidth: Int
  var glyphs: GlyphSet
  /// What keeps the host's daemon from the console now (one line, e.g. "ldmd unreachable,
  /// reconnecting: connection refused"), when something does.
  var unreachable: String? = nil

  /// Rows the table needs inside the box: the header, one per domain, one per bar.
  static func contentRows(for host: HostSnapshot?, in datacenter: DatacenterSnapshot) -> Int {
    guard let host else { return 1 }
    let bars = host.domains.filter {
      datacenter.activeMigration(of: $0.name, on: host.name) != nil
    }.count
    return 1 + host.domains.count + bars
  }

  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    let inner = Box(
      title: title(room: rect.width - 4), isFocused: isFocused,
      titleRole: unreachable == nil ? .title : .logWarning, glyphs: glyphs
    ).draw(into: &buffer, in: rect)
    guard !inner.isEmpty else { return }
    let columns = TableColumn.layout(nameWidth: nameWidth, width: inner.width)
    var x = inner.x
    for column in columns {
      buffer.put(column.kind.header, x: x, y: inner.y, style: Style(.header), clip: inner)
      x += column.width + column.gap
    }
    let rows = tableRows()
    let visible = inner.height - 1
    guard visible > 0 else { return }
    // Scroll only as far as needed to keep the selected domain (and its bar) in view.
    let selectedRow = rows.firstIndex { $0.domainIndex == selection.index && !$0.isBar } ?? 0
    let first = max(0, min(selectedRow + 2 - visible, rows.count - visible))
    for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
      let line = inner.row(offset + 1)
      let domain = host.domains[row.domainIndex]
      if let migration = row.bar {
        drawBar(for: migration, into: &buffer, in: line.inset(left: 2))
      } else {
        drawRow(domain, columns: columns, into: &buffer, in: line)
        if isFocused, row.domainIndex == selection.index {
          buffer.restyle(line, style: Style(.selection))
        }
      }
    }
  }

  private struct Row {
    var domainIndex: Int
    var bar: MigrationSnapshot?
    var isBar: Bool { bar != nil }
  }

  private func tableRows() -> [Row] {
    var rows: [Row] = []
    rows.reserveCapacity(host.domains.count + 2)
    for (index, domain) in host.domains.enumerated() {
      rows.append(Row(domainIndex: index, bar: nil))
      if let migration = datacenter.activeMigration(of: domain.name, on: host.name) {
        rows.append(Row(domainIndex: index, bar: migration))
      }
    }
    return rows
  }

  private func drawRow(
    _ domain: DomainSnapshot, columns: [TableColumn], into buffer: inout ScreenBuffer, in line: Rect
  ) {
    var x = line.x
    for column in columns {
      let cell = Rect(x: x, y: line.y, width: column.width, height: 1).intersection(line)
      let text = TextLayout.truncate(
        column.kind.text(of: domain), to: column.width, ellipsis: glyphs.ellipsis)
      buffer.put(text, x: x, y: line.y, style: column.kind.style(of: domain), clip: cell)
      x += column.width + column.gap
    }
  }

  private func drawBar(
    for migration: MigrationSnapshot, into buffer: inout ScreenBuffer, in line: Rect
  ) {
    let fraction = migration.statistics.progress
    ProgressBar(
      fraction: fraction, label: " " + ProgressBar.percentLabel(fraction), labelRole: .statValue,
      glyphs: glyphs
    ).draw(into: &buffer, in: line)
  }

  /// The longest title that fits: `sparc-t4-a · SPARC-T4 2548 MHz · 64 vCPU (38 free) · 64G
  /// (45G free)`, shortened step by step down to the bare host name.
  func title(room: Int) -> String {
    let sep = " \(glyphs.separator) "
    if let unreachable {
      // The daemon is lost: the pane says so first; the last state seen stays below.
      return TextLayout.truncate(host.name + sep + unreachable, to: room, ellipsis: glyphs.ellipsis)
    }
    let cpu = "\(host.cpu.type) \(host.cpu.mhz) MHz"
    let vcpus = "\(host.cpu.strands) vCPU (\(host.strandsFree) free)"
    let memory = "\(Figures.memory(host.memoryTotal)) (\(Figures.memory(host.memoryFree)) free)"
    let candidates = [
      host.name + sep + cpu + sep + vcpus + sep + memory,
      host.name + sep + vcpus + sep + memory,
      host.name + sep + "\(host.strandsFree)/\(host.cpu.strands) vCPU free" + sep
        + "\(Figures.memory(host.memoryFree))/\(Figures.memory(host.memoryTotal)) free",
      host.name + sep + "\(host.strandsFree) vCPU free" + sep
        + "\(Figures.memory(host.memoryFree)) free",
    ]
    return candidates.first { DisplayWidth.of($0) <= room } ?? host.name
  }
}
