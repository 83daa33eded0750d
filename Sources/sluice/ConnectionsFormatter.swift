import Foundation
import SluiceCore
import SluiceTUI

/// The readable table of `sluice connections`: a header, then a line per
/// connection with its number, client, destination, state, age and bytes.
enum ConnectionsFormatter {
    static func text(for connections: [ConnectionStatus], of forward: ForwardReference, now: Date = Date()) -> String {
        guard !connections.isEmpty else {
            return "No open connections on \(TerminalText.echo(forward.description))."
        }
        let header = ["#", "CLIENT", "DESTINATION", "STATE", "OPEN FOR", "OUT", "IN"]
        let rows = connections.map { connection in
            [String(connection.id), connection.client, connection.destination ?? "-", connection.state.rawValue,
             age(since: connection.openedAt, now: now), Formatting.bytes(connection.bytesOut), Formatting.bytes(connection.bytesIn)]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                .joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// "8 s", "2 min 3 s", "5 h 2 min", "3 d 4 h": two units at most.
    static func age(since date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60)
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(seconds % 60) s" }
        return "\(seconds) s"
    }
}
