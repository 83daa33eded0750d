import SluiceCore

/// The current server's forwards as a table: switch, kind, name, route,
/// state, connections, traffic and rates. Wide screens split traffic and
/// rate in and out; narrow ones shorten loopback routes.
struct ForwardTableView {
    let state: AppState
    let symbols: Symbols

    func draw(into buffer: inout ScreenBuffer, layout: MainLayout) {
        let top = layout.tableTop, rows = layout.tableRows, width = layout.width
        guard let server = state.currentServer else { return }
        let forwards = state.visibleForwards
        guard !forwards.isEmpty else {
            let text = server.forwards.isEmpty ? "No forwards on \(server.name) yet: press a to add one." : "No forward matches the filter."
            buffer.write(text, x: 2, y: top, role: .muted, maxWidth: width - 2, ellipsis: symbols.ellipsis)
            return
        }
        let wide = width >= 110
        let trafficColumns: [TableColumn] = wide
            ? [TableColumn(title: "OUT", width: 8, alignRight: true), TableColumn(title: "IN", width: 8, alignRight: true),
               TableColumn(title: "OUT/s", width: 9, alignRight: true), TableColumn(title: "IN/s", width: 9, alignRight: true)]
            : [TableColumn(title: "TRAFFIC", width: 8, alignRight: true), TableColumn(title: "RATE", width: 9, alignRight: true)]
        let longestName = forwards.map { DisplayWidth.of($0.name) }.max() ?? 4
        let nameWidth = min(wide ? 16 : 10, max(4, longestName))
        let head = [TableColumn(title: "ON", width: 3), TableColumn(title: "K", width: 2), TableColumn(title: "NAME", width: nameWidth)]
        let tail = [TableColumn(title: "STATE", width: 10), TableColumn(title: "CONNS", width: 5, alignRight: true)] + trafficColumns
        let fixed = 2 + (head + tail).reduce(0) { $0 + $1.width + 1 }
        let columns = head + [TableColumn(title: "LISTEN -> TARGET", width: max(10, width - fixed - 1))] + tail
        TableColumn.drawRow(columns.map { ($0.title, StyleRole.muted) }, columns: columns, x: 2, y: top, into: &buffer, ellipsis: symbols.ellipsis)

        let rowsForForwards = max(0, rows - 1)
        let selected = forwards.firstIndex { $0.name == state.currentForward?.name } ?? 0
        let offset = layout.forwardOffset
        for (row, forward) in forwards.dropFirst(offset).prefix(rowsForForwards).enumerated() {
            let y = top + 1 + row
            let reference = ForwardReference(server: server.name, forward: forward.name)
            let status = state.status(of: reference)
            let presentation = ForwardPresentation(forward: forward, status: status)
            // The kind letter, then a mark when it listens beyond loopback.
            let kind = forward.kind.letter + (forward.spec.listen.isLoopback ? "" : String(symbols.exposed))
            // Nothing to count for a forward that is off and never carried anything.
            let counted = status.flatMap { $0.state == .off && $0.totalConnections == 0 ? nil : $0 }
            var cells: [(String, StyleRole)] = [
                (forward.enabled ? "on" : "off", forward.enabled ? .ok : .muted),
                (kind, forward.spec.listen.isLoopback ? .key : .warning),
                (forward.name, .key),
                (width >= 100 ? presentation.route : presentation.compactRoute, .normal),
                (presentation.stateWord, presentation.stateRole),
                (counted.map { String($0.totalConnections) } ?? "", .normal),
            ]
            let meter = state.meters[reference]
            if wide {
                cells.append((counted.map { Formatting.bytes($0.bytesOut) } ?? "", .normal))
                cells.append((counted.map { Formatting.bytes($0.bytesIn) } ?? "", .normal))
                cells.append((Formatting.rate(meter?.outPerSecond ?? 0), .normal))
                cells.append((Formatting.rate(meter?.inPerSecond ?? 0), .normal))
            } else {
                cells.append((counted.map { Formatting.bytes($0.bytesOut + $0.bytesIn) } ?? "", .normal))
                cells.append((Formatting.rate(state.rate(of: reference)), .normal))
            }
            TableColumn.drawRow(cells, columns: columns, x: 2, y: y, into: &buffer, ellipsis: symbols.ellipsis)
            if offset + row == selected {
                buffer.paint(row: y, role: state.focus == .forwards ? .selected : .current)
            }
        }
    }
}
