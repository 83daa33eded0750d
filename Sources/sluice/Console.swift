import Foundation
import SluiceCore

/// Where the CLI speaks to the user: results the user asked for go to stdout,
/// everything said about them to stderr, so that stdout stays parseable.
///
/// The one place the CLI writes, so the one place that makes sure nothing
/// from a store, an ssh config, a server or a SOCKS client (the engine
/// reports the host names clients ask for) puts an escape sequence on the
/// user's terminal: every line is sanitised. Cutting long values is left
/// to where they are quoted (`TerminalText.echo`); here nothing is cut.
enum Console {
    /// Lines on stderr start with the time: set for the background engine,
    /// whose stderr is its log.
    nonisolated(unsafe) static var timestamped = false

    static func output(_ text: String, terminator: String = "\n") {
        print(safe(text), terminator: terminator)
    }

    static func say(_ text: String) {
        let stamp = timestamped ? Date().formatted(.iso8601) + " " : ""
        writeAll(STDERR_FILENO, Array((stamp + safe(text) + "\n").utf8))
    }

    static func warn(_ text: String) {
        say("sluice: warning: \(text)")
    }

    static func error(_ text: String) {
        say("sluice: \(text)")
    }

    private static func safe(_ text: String) -> String {
        TerminalText.sanitized(text, limit: .max, keepNewlines: true)
    }

    /// write(2) until done; a line that cannot be written (a full disk
    /// under the engine's log, a closed pipe) is lost, and nothing else:
    /// FileHandle.write would end the process, and every forward with it.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let wrote = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { return }
            offset += wrote
        }
    }
}
