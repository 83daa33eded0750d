import Foundation
import SluiceCore

/// The main screen: title, servers, the current server's forwards, details
/// of the selection, the latest event and the key bar.
struct MainView {
    let state: AppState
    let symbols: Symbols
    let timeZone: TimeZone

    func draw(into buffer: inout ScreenBuffer) {
        let width = buffer.width
        let height = buffer.height
        drawTitle(into: &buffer)
        let servers = state.visibleServers
        let serverRows = min(max(1, servers.count), max(2, (height - 10) / 3))
        var y = 1
        let filter = state.filter.trimmed.isEmpty ? "" : "\(symbols.separator)filter: \(state.filter.trimmed) (Esc clears)"
        drawHeader("Servers" + filter, focused: state.focus == .servers, y: y, into: &buffer)
        y += 1
        ServerListView(state: state, symbols: symbols).draw(into: &buffer, top: y, rows: serverRows, width: width)
        y += serverRows
        drawHeader(forwardsTitle, focused: state.focus == .forwards, y: y, into: &buffer)
        y += 1
        let tableRows = max(1, height - y - 6)
        ForwardTableView(state: state, symbols: symbols).draw(into: &buffer, top: y, rows: tableRows, width: width)
        y += tableRows
        drawDetails(into: &buffer, y: y)
        drawEventLine(into: &buffer, y: height - 2)
        drawKeyBar(into: &buffer, y: height - 1)
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
            var parts: [(String, StyleRole)] = [(server.name, .key), ("  \(server.destination)", .normal)]
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
        } else {
            buffer.write("No servers yet. Press A to add one, or quit and run: sluice import-ssh-config", x: 1, y: line, role: .muted,
                         maxWidth: width, ellipsis: symbols.ellipsis)
        }
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
            let used = buffer.write("/\(state.filter.text)", x: 0, y: y, role: .normal, maxWidth: buffer.width - 1)
            buffer.write(" ", x: used, y: y, role: .selected)
            let help = "  Enter keep · Esc clear"
            buffer.write(help, x: used + 1, y: y, role: .muted, maxWidth: buffer.width - used - 1, ellipsis: symbols.ellipsis)
            return
        }
        guard let event = state.events.last else { return }
        let time = Formatting.clock(event.time, in: timeZone)
        buffer.write([(time + " ", .muted), (event.text, event.isProblem ? .error : .normal)], x: 0, y: y,
                     maxWidth: buffer.width, ellipsis: symbols.ellipsis)
    }

    /// As many of the bar's commands as fit, in order; help and quit always.
    private func drawKeyBar(into buffer: inout ScreenBuffer, y: Int) {
        func entry(_ command: Command) -> [(String, StyleRole)] {
            guard let binding = KeyMap.binding(for: command), let key = binding.keys.first else { return [] }
            return [(key.label, .key), (" \(binding.short)  ", .muted)]
        }
        func width(_ parts: [(String, StyleRole)]) -> Int { parts.reduce(0) { $0 + DisplayWidth.of($1.0) } }
        let always = KeyMap.barAlways.flatMap(entry)
        var parts: [(String, StyleRole)] = []
        for command in KeyMap.bar where !KeyMap.barAlways.contains(command) {
            let next = entry(command)
            if width(parts) + width(next) + width(always) > buffer.width { break }
            parts += next
        }
        buffer.write(parts + always, x: 0, y: y, maxWidth: buffer.width, ellipsis: symbols.ellipsis)
    }
}
