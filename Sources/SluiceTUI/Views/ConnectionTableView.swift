import Foundation
import SluiceCore

/// The connections view: one forward's open connections as a table over
/// the whole screen (number, client, where it goes, age, bytes each way,
/// state), the selected one highlighted.
struct ConnectionTableView {
    let state: AppState
    let view: ConnectionsView
    let symbols: Symbols

    /// The screen row of the first connection, and how many rows the
    /// table has: shared with the mouse, so a click lands on what was drawn.
    static let firstRow = 5

    static func rows(screenHeight: Int) -> Int { max(0, screenHeight - 3 - firstRow) }

    /// Connections scrolled off above, keeping the selected one in view.
    static func offset(of view: ConnectionsView, rows: Int) -> Int {
        let selected = view.connections.firstIndex { $0.id == view.current?.id } ?? 0
        return view.scroll.offset(selected: selected, rows: rows, count: view.connections.count)
    }

    func draw(into buffer: inout ScreenBuffer) {
        let width = buffer.width - 2
        // The event line stays in view below: it says what x did.
        let height = buffer.height - 3
        guard height > 2 else { return }
        for row in 1...height { buffer.write(String(repeating: " ", count: buffer.width), x: 0, y: row) }
        buffer.box(x: 1, y: 1, width: width, height: height,
                   title: "Connections of \(view.forward) (x closes, ↑↓ select, Esc back)", symbols: symbols)
        let inner = width - 4
        let x = 3
        guard height > 4 else { return }
        let forward = state.servers.first { $0.name == view.forward.server }?.forward(named: view.forward.forward)
        var summary: [(String, StyleRole)] = []
        if let forward { summary.append(("\(forward.spec)  \(forward.spec.route)", .normal)) }
        if view.isLoaded && view.problem == nil {
            let count = view.connections.count
            summary.append(("\(symbols.separator)\(count) open\(symbols.separator)refreshed every second", .muted))
        }
        buffer.write(summary, x: x, y: 2, maxWidth: inner, ellipsis: symbols.ellipsis)

        guard view.isLoaded else {
            buffer.write("Asking the engine\(symbols.ellipsis)", x: x, y: 4, role: .muted, maxWidth: inner)
            return
        }
        if let problem = view.problem {
            for (index, line) in TextWrap.lines("The engine cannot list them: \(problem)", width: inner).enumerated() {
                buffer.write(line, x: x, y: 4 + index, role: .error, maxWidth: inner)
            }
            return
        }
        guard !view.connections.isEmpty else {
            let text = "No open connections. Each client shows here while it is connected."
            for (index, line) in TextWrap.lines(text, width: inner).enumerated() {
                buffer.write(line, x: x, y: 4 + index, role: .muted, maxWidth: inner)
            }
            return
        }
        let numberWidth = max(1, view.connections.map { String($0.id).count }.max() ?? 1)
        let wide = inner >= 100
        let head = [TableColumn(title: "#", width: max(2, numberWidth), alignRight: true),
                    TableColumn(title: "CLIENT", width: wide ? 24 : 16)]
        let tail = [TableColumn(title: "AGE", width: 6, alignRight: true), TableColumn(title: "OUT", width: 8, alignRight: true),
                    TableColumn(title: "IN", width: 8, alignRight: true), TableColumn(title: "STATE", width: 9)]
        let fixed = (head + tail).reduce(0) { $0 + $1.width + 1 }
        let columns = head + [TableColumn(title: "DESTINATION", width: max(8, inner - fixed))] + tail
        TableColumn.drawRow(columns.map { ($0.title, StyleRole.muted) }, columns: columns, x: x, y: 4, into: &buffer, ellipsis: symbols.ellipsis)

        let rows = Self.rows(screenHeight: buffer.height)
        let selected = view.connections.firstIndex { $0.id == view.current?.id } ?? 0
        let offset = Self.offset(of: view, rows: rows)
        for (row, connection) in view.connections.dropFirst(offset).prefix(rows).enumerated() {
            let y = Self.firstRow + row
            let closing = view.closing.contains(connection.id)
            let stateRole: StyleRole = closing ? .warning : connection.state == .relaying ? .ok : .warning
            TableColumn.drawRow([
                (String(connection.id), .muted),
                (connection.client, .normal),
                (connection.destination ?? "(not named yet)", connection.destination == nil ? .muted : .normal),
                (Formatting.age(since: connection.openedAt, now: state.now), .normal),
                (Formatting.bytes(connection.bytesOut), .normal),
                (Formatting.bytes(connection.bytesIn), .normal),
                (closing ? "closing" : connection.state.rawValue, stateRole),
            ], columns: columns, x: x, y: y, into: &buffer, ellipsis: symbols.ellipsis)
            if offset + row == selected { buffer.paint(row: y, role: .selected, from: x - 1, to: x + inner + 1) }
        }
    }
}
