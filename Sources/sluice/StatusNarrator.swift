import SluiceCore
import SluiceSSH

/// Turns changes in the engine's status into the lines `sluice up` and
/// `sluice forward` print: one when a forward is up, one for each change
/// of a link or an error.
struct StatusNarrator {
    private let servers: [String: Server]
    private var previous: [String: ServerStatus] = [:]
    /// Servers whose link was seen lost; snapshots can skip the states in
    /// between, so "connected again" follows from this, not from the last one.
    private var lost: Set<String> = []

    init(servers: [Server]) {
        self.servers = Dictionary(servers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func lines(for snapshot: [ServerStatus]) -> [String] {
        var lines: [String] = []
        for status in snapshot {
            let before = previous[status.name]
            lines += linkLines(status, before: before)
            for forward in status.forwards {
                lines += forwardLines(forward, server: status.name, before: before?.forward(named: forward.name))
            }
            previous[status.name] = status
        }
        return lines
    }

    private mutating func linkLines(_ status: ServerStatus, before: ServerStatus?) -> [String] {
        guard status.link != before?.link else { return [] }
        switch status.link {
        case .reconnecting:
            lost.insert(status.name)
            return ["\(status.name): \(status.linkWord()): \(status.lastError ?? "")"]
        case .failed:
            lost.insert(status.name)
            return ["\(status.name): \(status.lastError ?? "failed")"]
        case .connected:
            return lost.remove(status.name) == nil ? [] : ["\(status.name): connected again"]
        case .idle, .connecting:
            return []
        }
    }

    private func forwardLines(_ forward: ForwardStatus, server: String, before: ForwardStatus?) -> [String] {
        var lines: [String] = []
        let name = "\(server)/\(forward.name)"
        if forward.state != before?.state {
            switch forward.state {
            case .up:
                lines.append(upLine(forward, server: server))
            case .failed:
                lines.append("\(name): \(forward.lastError ?? "failed")")
            case .off, .starting:
                break
            }
        } else if forward.lastError != before?.lastError, let error = forward.lastError {
            lines.append("\(name): \(error)")
        }
        return lines
    }

    private func upLine(_ forward: ForwardStatus, server: String) -> String {
        guard let spec = servers[server]?.forward(named: forward.name)?.spec else { return "\(server)/\(forward.name): up" }
        let listening = forward.listening ?? spec.listen.displayAddress
        let target = spec.targetAddress
        switch spec.kind {
        case .local: return "Forwarding \(listening) -> \(target) via \(server)"
        case .reverse: return "Forwarding \(listening) on \(server) -> \(target) here"
        case .dynamic: return "SOCKS5 proxy on \(listening) via \(server)"
        }
    }
}
