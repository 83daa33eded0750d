import Foundation
import SluiceTUI
import Testing

/// Compares a rendered screen with `Snapshots/<name>.txt`. A missing file is
/// written and the test fails so it is looked at; set
/// SLUICE_RECORD_SNAPSHOTS=1 to rewrite them all after a deliberate change.
/// On a mismatch the failure shows the differing lines.
func assertSnapshot(_ buffer: ScreenBuffer, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent("\(name).txt")
    let actual = buffer.text + "\n"
    let record = ProcessInfo.processInfo.environment["SLUICE_RECORD_SNAPSHOTS"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? actual.write(to: file, atomically: true, encoding: .utf8)
        if !record { Issue.record("recorded a new snapshot \(file.path); check it and run again", sourceLocation: sourceLocation) }
        return
    }
    guard expected != actual else { return }
    let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var diff: [String] = []
    for index in 0..<max(wanted.count, got.count) {
        let old = index < wanted.count ? String(wanted[index]) : "<none>"
        let new = index < got.count ? String(got[index]) : "<none>"
        if old != new { diff.append("line \(index + 1):\n  - \(old)\n  + \(new)") }
    }
    Issue.record("screen differs from \(file.lastPathComponent) (SLUICE_RECORD_SNAPSHOTS=1 to accept):\n\(diff.joined(separator: "\n"))",
                 sourceLocation: sourceLocation)
}
