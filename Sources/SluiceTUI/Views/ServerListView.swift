import Foundation
import SluiceCore

/// The list of servers: a coloured marker, name, where it is, and its link.
struct ServerListView {
    let state: AppState
    let symbols: Symbols

    func draw(into buffer: inout ScreenBuffer, layout: MainLayout) {
        let top = layout.serverTop, rows = layout.serverRows, width = layout.width
        let servers = state.visibleServers
        guard !servers.isEmpty else {
            let text = state.servers.isEmpty ? "No servers yet: press A to add one." : "No server matches the filter."
            buffer.write(text, x: 2, y: top, role: .muted, maxWidth: width - 2, ellipsis: symbols.ellipsis)
            return
        }
        let selected = servers.firstIndex { $0.name == state.currentServer?.name } ?? 0
        let offset = layout.serverOffset
        let nameWidth = min(20, servers.map { DisplayWidth.of($0.name) }.max() ?? 4)
        let destinationWidth = min(max(12, width / 3), servers.map { DisplayWidth.of($0.address.description) }.max() ?? 4)
        for (row, server) in servers.dropFirst(offset).prefix(rows).enumerated() {
            let y = top + row
            let (marker, role, word) = link(of: server)
            let x = 1
            buffer.write(String(marker), x: x, y: y, role: role)
            buffer.write(server.name, x: x + 2, y: y, role: .normal, maxWidth: nameWidth, ellipsis: symbols.ellipsis)
            let destinationX = x + 2 + nameWidth + 2
            buffer.write(server.address.description, x: destinationX, y: y, role: .muted, maxWidth: destinationWidth, ellipsis: symbols.ellipsis)
            let stateX = destinationX + destinationWidth + 2
            let counts = forwardCounts(server)
            buffer.write([(word, role), (counts, .muted)], x: stateX, y: y, maxWidth: width - stateX - 1, ellipsis: symbols.ellipsis)
            if offset + row == selected {
                buffer.paint(row: y, role: state.focus == .servers ? .selected : .current)
            }
        }
    }

    private func link(of server: Server) -> (Character, StyleRole, String) {
        guard let status = state.status(of: server.name) else {
            return server.forwards.contains(where: \.enabled) ? (symbols.connecting, .warning, "connecting") : (symbols.idle, .muted, "off")
        }
        let word = status.linkWord(now: state.now)
        switch status.link {
        case .idle: return (symbols.idle, .muted, word)
        case .connecting, .reconnecting: return (symbols.connecting, .warning, word)
        case .connected: return (symbols.connected, .ok, word)
        case .failed: return (symbols.failed, .error, word)
        }
    }

    private func forwardCounts(_ server: Server) -> String {
        let total = server.forwards.count
        guard total > 0 else { return "\(symbols.separator)no forwards" }
        let up = state.status(of: server.name)?.forwards.filter { $0.state == .up }.count ?? 0
        return "\(symbols.separator)\(up) of \(total) up"
    }
}
