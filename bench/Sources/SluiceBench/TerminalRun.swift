import CPseudoTerminal
import Foundation
import SluiceTestSupport

/// The real `sluice` screen on a pseudo-terminal owned by the benchmark,
/// so the time to its first frame is read straight off the bytes it
/// writes, with no terminal emulator in between.
final class TerminalRun: @unchecked Sendable {
    let process: ChildProcess
    let started: Double
    private let controller: Int32
    private let marker: [UInt8]
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var markerSeenAt: Double?

    /// Starts `executable` on a `rows` x `columns` terminal; `marker` is the
    /// text whose arrival counts as a complete frame.
    init(_ executable: String, _ arguments: [String], environment: [String: String], rows: UInt16 = 40, columns: UInt16 = 120, marker: String) throws {
        var path = [CChar](repeating: 0, count: 128)
        controller = bench_open_pseudo_terminal(rows, columns, &path, path.count)
        guard controller >= 0 else { throw BenchError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        let terminalPath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.marker = Array(marker.utf8)
        started = Clock.now
        process = try ChildProcess(executable, arguments, environment: environment, stdin: terminalPath, stdout: terminalPath, stderr: terminalPath)
        let reader = Thread { [self] in readOutput() }
        reader.start()
    }

    deinit {
        stop()
        close(controller)
    }

    /// Seconds from start until the marker arrived, waiting at most `timeout`.
    func waitForMarker(timeout: Double) throws -> Double {
        let deadline = Clock.now + timeout
        while Clock.now < deadline {
            if let seen = lock.withLock({ markerSeenAt }) { return seen - started }
            guard process.isRunning else { break }
            usleep(1000)
        }
        throw BenchError("the screen did not draw within \(Int(timeout)) s; it wrote:\n\(text.suffix(2000))")
    }

    var text: String { lock.withLock { String(decoding: output, as: UTF8.self) } }

    func stop() {
        process.terminate()
    }

    /// Keeps the terminal drained (a full pseudo-terminal would block the
    /// screen) and notes when the marker first arrived.
    private func readOutput() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(controller, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            let now = Clock.now
            lock.withLock {
                // Search only where the marker could newly appear.
                let searchFrom = max(0, output.count - marker.count)
                output += buffer[0..<count]
                if markerSeenAt == nil, output[searchFrom...].firstRange(of: marker) != nil {
                    markerSeenAt = now
                }
            }
        }
    }
}
