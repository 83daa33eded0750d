import Foundation
import SluiceCore

/// The main screen: title, servers, the current server's forwards, details
/// of the selection, the latest event and the key bar.
struct MainView {
    let state: AppState
    let symbols: Symbols
    let timeZone: TimeZone

    func draw(into buffer: inout ScreenBuffer) {
        let layout = MainLayout(state: state, width: buffer.width, height: buffer.height)
        drawTitle(into: &buffer)
        let filter = state.filter.trimmed.isEmpty ? "" : "\(symbols.separator)filter: \(state.filter.trimmed) (Esc clears)"
        drawHeader("Servers" + filter, focused: state.focus == .servers, y: layout.serverHeaderY, into: &buffer)
        ServerListView(state: state, symbols: symbols).draw(into: &buffer, layout: layout)
        drawHeader(forwardsTitle, focused: state.focus == .forwards, y: layout.forwardHeaderY, into: &buffer)
        ForwardTableView(state: state, symbols: symbols).draw(into: &buffer, layout: layout)
        drawDetails(into: &buffer, y: layout.detailsY)
        drawEventLine(into: &buffer, y: layout.eventY)
        for entry in layout.bar {
            buffer.write(entry.parts, x: entry.x, y: layout.barY, maxWidth: buffer.width - entry.x, ellipsis: symbols.ellipsis)
        }
    }

    private var forwardsTitle: String {
        guard let server = state.currentServer else { return "Forwards" }
        return "Forwards on \(server.name)"
    }

    private func drawTitle(into buffer: inout ScreenBuffer) {
        buffer.paint(row: 0, role: .title)
        let summary = "\(state.servers.count) server\(state.servers.count == 1 ? "" : "s")\(symbols.separator)" + forwardSummary
        buffer.write([(" Sluice ", .title), ("  " + summary, .title)], x: 0, y: 0, maxWidth: buffer.width, ellipsis: symbols.ellipsis)
    }

    /// "5 forwards: 2 up, 1 failing, 2 off".
    private var forwardSummary: String {
        let forwards = state.servers.flatMap { server in server.forwards.map { (server.name, $0) } }
        var up = 0, failing = 0, starting = 0, off = 0
        for (server, forward) in forwards {
            let status = state.status(of: ForwardReference(server: server, forward: forward.name))
            switch ForwardPresentation(forward: forward, status: status).state {
            case .up: up += 1
            case .failed: failing += 1
            case .starting: starting += 1
            case .off: off += 1
            }
        }
        let counts = [(up, "up"), (starting, "starting"), (failing, "failing"), (off, "off")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        let total = "\(forwards.count) forward\(forwards.count == 1 ? "" : "s")"
        return counts.isEmpty ? total : total + ": " + counts.joined(separator: ", ")
    }

    private func drawHeader(_ title: String, focused: Bool, y: Int, into buffer: inout ScreenBuffer) {
        let rule = String(repeating: symbols.horizontal, count: buffer.width)
        buffer.write(rule, x: 0, y: y, role: .muted)
        buffer.write(" \(title) ", x: 1, y: y, role: focused ? .key : .muted, ellipsis: symbols.ellipsis)
    }

    private func drawDetails(into buffer: inout ScreenBuffer, y: Int) {
        let rule = String(repeating: symbols.horizontal, count: buffer.width)
        buffer.write(rule, x: 0, y: y, role: .muted)
        drawTraffic(into: &buffer, y: y)
        let line = y + 1
        let width = buffer.width - 2
        if state.focus == .forwards, let server = state.currentServer, let forward = state.currentForward {
            let reference = ForwardReference(server: server.name, forward: forward.name)
            let presentation = ForwardPresentation(forward: forward, status: state.status(of: reference))
            let status = presentation.status
            var parts: [(String, StyleRole)] = [("\(reference)", .key), ("  \(forward.spec)", .normal)]
            if let status, status.state == .up {
                parts.append(("\(symbols.separator)since \(Formatting.clock(status.since, in: timeZone))", .muted))
                parts.append(("\(symbols.separator)\(symbols.outbound)\(Formatting.bytes(status.bytesOut)) \(symbols.inbound)\(Formatting.bytes(status.bytesIn))", .normal))
                parts.append(("\(symbols.separator)\(status.openConnections) open, \(status.totalConnections) in all", .normal))
            }
            buffer.write(parts, x: 1, y: line, maxWidth: width, ellipsis: symbols.ellipsis)
            let guidance = presentation.guidance
            drawWrapped(guidance.text, role: guidance.role, y: line + 1, into: &buffer)
        } else if let server = state.currentServer {
            var parts: [(String, StyleRole)] = [(server.name, .key), ("  \(server.address)", .normal)]
            if let identity = server.identityFile { parts.append(("\(symbols.separator)key \(identity)", .muted)) }
            let status = state.status(of: server.name)
            // The engine knows the route the ssh config gives too.
            if let route = status?.route ?? server.jumpHost.map({ "via \($0)" }) { parts.append(("\(symbols.separator)\(route)", .muted)) }
            buffer.write(parts, x: 1, y: line, maxWidth: width, ellipsis: symbols.ellipsis)
            if let error = status?.lastError, status?.link != .connected {
                drawWrapped("Last error: \(error)", role: .error, y: line + 1, into: &buffer)
            } else if server.forwards.isEmpty {
                buffer.write("No forwards yet: press a to add one.", x: 1, y: line + 1, role: .muted, maxWidth: width)
            } else {
                buffer.write("Enter shows its forwards; c switches them all on or off.", x: 1, y: line + 1, role: .muted, maxWidth: width)
            }
        } else if !state.servers.isEmpty {
            buffer.write("Nothing matches \"\(state.filter.trimmed)\" in names, hosts or ports. Esc clears the filter.", x: 1, y: line,
                         role: .muted, maxWidth: width, ellipsis: symbols.ellipsis)
        } else {
            buffer.write("No servers yet. Press A to add one, or quit and run: sluice import-ssh-config", x: 1, y: line, role: .muted,
                         maxWidth: width, ellipsis: symbols.ellipsis)
        }
    }

    /// The selection's traffic over the last minute, on the rule above the
    /// details: a sparkline and the rates now, each way. For a server, its
    /// forwards together.
    private func drawTraffic(into buffer: inout ScreenBuffer, y: Int) {
        guard let server = state.currentServer else { return }
        let meters: [TrafficMeter]
        if state.focus == .forwards {
            guard let forward = state.currentForward else { return }
            meters = state.meters[ForwardReference(server: server.name, forward: forward.name)].map { [$0] } ?? []
        } else {
            meters = server.forwards.compactMap { state.meters[ForwardReference(server: server.name, forward: $0.name)] }
        }
        let history = Sparkline.sum(meters.map(\.history))
        // No line for a minute without a byte: the table says it is idle.
        guard history.contains(where: { $0 > 0 }) else { return }
        let out = meters.reduce(0) { $0 + $1.outPerSecond }
        let back = meters.reduce(0) { $0 + $1.inPerSecond }
        let rates = " \(symbols.outbound)\(Formatting.rate(out).isEmpty ? "0 B/s" : Formatting.rate(out))"
            + " \(symbols.inbound)\(Formatting.rate(back).isEmpty ? "0 B/s" : Formatting.rate(back)) "
        let room = buffer.width - 2 - DisplayWidth.of(rates) - 12
        let seconds = min(TrafficMeter.historyLength, room)
        guard seconds >= 10 else { return }
        let label = " last \(seconds) s "
        let spark = Sparkline.text(history, width: seconds, levels: symbols.sparkline)
        // Seconds not measured yet stay rule: the line grows from the right.
        let unknown = String(repeating: symbols.horizontal, count: seconds - spark.count)
        let x = buffer.width - 1 - DisplayWidth.of(label) - seconds - DisplayWidth.of(rates)
        buffer.write([(label, .muted), (unknown, .muted), (spark, .ok), (rates, .normal)], x: x, y: y,
                     maxWidth: buffer.width - x, ellipsis: symbols.ellipsis)
    }

    /// Two lines at most, so an error message can be read whole.
    private func drawWrapped(_ text: String, role: StyleRole, y: Int, into buffer: inout ScreenBuffer) {
        let width = buffer.width - 2
        var lines = TextWrap.lines(text, width: width)
        if lines.count > 2 { lines = [lines[0], lines[1...].joined(separator: " ")] }
        for (index, line) in lines.enumerated() {
            buffer.write(line, x: 1, y: y + index, role: role, maxWidth: width, ellipsis: symbols.ellipsis)
        }
    }

    private func drawEventLine(into buffer: inout ScreenBuffer, y: Int) {
        if state.isEditingFilter {
            let help = "  Enter keep · Esc clear"
            let room = max(1, buffer.width - 1 - DisplayWidth.of(help))
            var parts: [(String, StyleRole)] = [("/", .normal)]
            parts += TextFieldView(field: state.filter, isFocused: true, symbols: symbols).parts(width: room)
            parts.append((help, .muted))
            buffer.write(parts, x: 0, y: y, maxWidth: buffer.width, ellipsis: symbols.ellipsis)
            return
        }
        guard let event = state.events.last else { return }
        let time = Formatting.clock(event.time, in: timeZone)
        buffer.write([(time + " ", .muted), (event.text, event.isProblem ? .error : .normal)], x: 0, y: y,
                     maxWidth: buffer.width, ellipsis: symbols.ellipsis)
    }
}
