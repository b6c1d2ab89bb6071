import Engine
import Migration

/// The migrate form as a dialog: target, masked password, the two toggles, and the engine's
/// answer (refusal lines or dry-run verdicts) under them.
struct MigrateFormPane {
  var form: MigrateForm
  var glyphs: GlyphSet

  /// The lines under the fields: what went wrong, or what the dry run found.
  private var outcomeLines: [TextLine] {
    if form.ticket != nil {
      return [TextLine("Running the pre-checks on the target\(glyphs.ellipsis)", .textDim)]
    }
    switch form.outcome {
    case nil: return []
    case .invalid(let reason)?: return [TextLine(reason, .logError)]
    case .refused(let lines)?: return lines.map { TextLine($0, .logError) }
    case .dryRun(let results)?:
      let failed = results.filter { !$0.passed }
      var lines = results.flatMap { result -> [TextLine] in
        if result.passed {
          return [
            TextLine([
              Span(glyphs.done + " ", .logSuccess), Span(result.check.title + ": ", .statLabel),
              Span(result.detail),
            ])
          ]
        }
        return result.lines.map { failure in
          TextLine([Span(glyphs.failed + " ", .logError), Span(failure, .logError)])
        }
      }
      lines.append(
        failed.isEmpty
          ? TextLine(
            "Dry run: the migration would succeed (uncheck dry run to migrate).", .logSuccess)
          : TextLine("Domain Migration of LDom \(form.domain) would fail if attempted", .logError))
      return lines
    }
  }

  func draw(into buffer: inout ScreenBuffer, in area: Rect) {
    let outcome = outcomeLines
    let width = min(area.width - 2, max(64, outcome.reduce(0) { max($0, $1.width) } + 4))
    let height = min(area.height - 2, 9 + (outcome.isEmpty ? 0 : outcome.count + 1))
    let dialog = Dialog(
      title: "Migrate \(form.domain) from \(form.sourceHost)", width: width, height: height,
      glyphs: glyphs)
    let inner = dialog.draw(into: &buffer, in: area)
    guard inner.height >= 5 else { return }
    let usage = "ldm migrate-domain [-n] [-f] \(form.domain) [user@]host[:name]"
    TextLine(usage, .textDim).draw(into: &buffer, in: inner.row(0), ellipsis: glyphs.ellipsis)
    let labelWidth = 17
    TextField(
      label: TextLayout.pad("Target:", to: labelWidth), input: form.target,
      isFocused: form.focus == .target, labelRole: .dialog
    ).draw(into: &buffer, in: inner.row(2))
    TextField(
      label: TextLayout.pad("Target Password:", to: labelWidth), input: form.password,
      isMasked: true, isFocused: form.focus == .password, labelRole: .dialog
    ).draw(into: &buffer, in: inner.row(3))
    let toggles = inner.row(4)
    let dryRun = Toggle(
      label: "dry run (-n)", isOn: form.dryRun, isFocused: form.focus == .dryRun, role: .dialog)
    dryRun.draw(into: &buffer, in: toggles)
    let forceX = toggles.x + DisplayWidth.of(dryRun.text) + 3
    Toggle(label: "force (-f)", isOn: form.force, isFocused: form.focus == .force, role: .dialog)
      .draw(
        into: &buffer, in: Rect(x: forceX, y: toggles.y, width: toggles.maxX - forceX, height: 1))
    let rows = inner.inset(top: 6)
    for (index, line) in outcome.prefix(rows.height).enumerated() {
      line.draw(into: &buffer, in: rows.row(index), ellipsis: glyphs.ellipsis)
    }
  }
}
