import Foundation
import SluiceCore

/// Turns changes in the engine's status into events: one when a forward is
/// up, one for each change of a link or an error. `sluice up` prints them;
/// the screen shows the latest and keeps the rest in its log.
public struct StatusNarrator: Sendable {
    private var servers: [String: Server]
    private var previous: [String: ServerStatus] = [:]
    /// Servers whose link was seen lost; snapshots can skip the states in
    /// between, so "connected again" follows from this, not from the last one.
    private var lost: Set<String> = []

    public init(servers: [Server]) {
        self.servers = [:]
        update(servers: servers)
    }

    /// The saved servers, whose specs the events quote; call after each change.
    public mutating func update(servers: [Server]) {
        self.servers = Dictionary(servers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public mutating func events(for snapshot: [ServerStatus], at time: Date = Date()) -> [StatusEvent] {
        var events: [StatusEvent] = []
        for status in snapshot {
            let before = previous[status.name]
            // Unchanged servers (most of them, in a big store) cost nothing more.
            if before == status { continue }
            var lines = linkLines(status, before: before)
            // What the user should know about how the link was made: told
            // once, when it first appears.
            lines += status.notices.filter { !(before?.notices.contains($0) ?? false) }.map { Line("\(status.name): \($0)") }
            // By name through a table: a server with thousands of forwards
            // must not cost a search per forward.
            let earlier = Dictionary((before?.forwards ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            // A link that failed for good fails its forwards with its own
            // words ("work: ..."): the link's line says it once, not again
            // per forward ("work/L17090: work: ...").
            let linkFailure = status.link == .failed ? "\(status.name): \(status.lastError ?? "failed")" : nil
            for forward in status.forwards {
                lines += forwardLines(forward, server: status.name, before: earlier[forward.name], linkFailure: linkFailure)
            }
            events += lines.map { StatusEvent(time: time, server: status.name, text: $0.text, isProblem: $0.isProblem) }
            previous[status.name] = status
        }
        return events
    }

    private mutating func linkLines(_ status: ServerStatus, before: ServerStatus?) -> [Line] {
        guard status.link != before?.link else { return [] }
        switch status.link {
        case .reconnecting:
            lost.insert(status.name)
            return [Line("\(status.name): \(status.linkWord()): \(status.lastError ?? "")", isProblem: true)]
        case .failed:
            lost.insert(status.name)
            return [Line("\(status.name): \(status.lastError ?? "failed")", isProblem: true)]
        case .connected:
            return lost.remove(status.name) == nil ? [] : [Line("\(status.name): connected again")]
        case .idle:
            // Switched off: what comes later is a new connection, not a repair.
            lost.remove(status.name)
            return []
        case .connecting:
            return []
        }
    }

    private func forwardLines(_ forward: ForwardStatus, server: String, before: ForwardStatus?, linkFailure: String?) -> [Line] {
        var lines: [Line] = []
        let name = "\(server)/\(forward.name)"
        let ownError = forward.lastError == linkFailure ? nil : forward.lastError
        if forward.state != before?.state {
            switch forward.state {
            case .up:
                lines.append(Line(upLine(forward, server: server)))
            case .failed:
                if forward.lastError == nil || ownError != nil {
                    lines.append(Line("\(name): \(ownError ?? "failed")", isProblem: true))
                }
            case .off, .starting:
                break
            }
        } else if forward.lastError != before?.lastError, let error = ownError {
            lines.append(Line("\(name): \(error)", isProblem: true))
        }
        if forward.acceptPause != before?.acceptPause {
            if let pause = forward.acceptPause {
                lines.append(Line("\(name): \(pause)", isProblem: true))
            } else if forward.state == .up {
                lines.append(Line("\(name): accepting again"))
            }
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

    private struct Line {
        var text: String
        var isProblem = false

        init(_ text: String, isProblem: Bool = false) {
            self.text = text
            self.isProblem = isProblem
        }
    }
}
