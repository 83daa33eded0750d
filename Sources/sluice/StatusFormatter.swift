import Foundation
import SluiceControl
import SluiceCore
import SluiceTUI

/// The readable table of `sluice status`: a line per server (its link, or
/// what it waits for), then its forwards with their live state, counters
/// and last error.
enum StatusFormatter {
    static func text(for snapshot: EngineSnapshot, now: Date = Date()) -> String {
        var lines: [String] = []
        if let problem = snapshot.storeProblem {
            lines.append("! the store cannot be read, so what runs is what it said before: \(problem)")
        }
        if snapshot.servers.isEmpty {
            lines.append("The engine runs no server: the store has none (add one with: sluice server add NAME USER@HOST).")
        }
        let rows = snapshot.servers.flatMap { server in
            server.forwards.map { [$0.name, $0.stateWord, $0.listening ?? "-"] }
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for server in snapshot.servers {
            var line = "\(server.name)  \(snapshot.waiting(server: server.name) ?? server.linkWord(now: now))"
            if let route = server.route { line += "  (\(route))" }
            if server.link != .connected, server.link != .idle, let error = server.lastError, snapshot.waiting(server: server.name) == nil {
                line += ": \(error)"
            }
            lines.append(line)
            for forward in server.forwards {
                let cells = [forward.name, forward.stateWord, forward.listening ?? "-"]
                let padded = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                var row = "  " + padded.joined(separator: "  ")
                if forward.state == .up || forward.totalConnections > 0 {
                    row += "  \(forward.openConnections) open, \(forward.totalConnections) total, \(Formatting.bytes(forward.bytesIn)) in, \(Formatting.bytes(forward.bytesOut)) out"
                }
                if let pause = forward.acceptPause {
                    row += "  \(pause)"
                } else if let error = forward.lastError, forward.state != .up {
                    row += "  \(error)"
                }
                lines.append(row)
            }
        }
        return lines.joined(separator: "\n")
    }
}
