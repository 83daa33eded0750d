import Foundation

/// Notes each server the harness starts, its pid and a string its command
/// line contains (its private folder), in the file named by
/// `SLUICE_TEST_PID_FILE` when the run has one (`make test` makes one).
///
/// Tests stop their servers themselves, by pid. The file is for a test
/// process that crashed first: after the run, scripts/stop-servers stops
/// the servers it lists that still run, and nothing else.
public enum ServerRecord {
    public static let environmentVariable = "SLUICE_TEST_PID_FILE"

    /// The file of this run, if it has one.
    public static var path: String? {
        ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Adds the line `PID MARKER`. One append of one short line, so lines
    /// from many threads and test processes never mix.
    public static func note(pid: pid_t, marker: String, in file: String? = path) {
        guard let file else { return }
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array("\(pid) \(marker)\n".utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
