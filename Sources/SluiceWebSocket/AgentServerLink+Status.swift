import Foundation
import SluiceCore

/// What an agent link publishes: its status as the board and the user see
/// it, from the state its queue keeps.
extension AgentServerLink {
    func publish() {
        var status = ServerStatus(name: server.name, link: link, forwards: forwards.map(forwardStatus), since: linkSince)
        status.lastError = linkError
        status.route = (agent ?? previousAgent).map { "via agent \($0)" }
        status.notices = notices
        retired.withLockedValue { retired in
            if !retired { board.publish(status) }
        }
    }

    private func forwardStatus(_ forward: Forward) -> ForwardStatus {
        var status = ForwardStatus(name: forward.name, state: forward.enabled && !stopped ? .starting : .off)
        guard status.state != .off else {
            forwardSince[forward.name] = nil
            return status
        }
        if let entry = running[forward.name] {
            // Listening either way; up only while the agent is there.
            status.state = link == .connected ? .up : .starting
            status.listening = "\(Endpoint.bracketed(forward.spec.listen.bindAddress)):\(entry.port)"
            let totals = entry.carrier.totals
            status.openConnections = totals.open
            status.totalConnections = totals.total
            status.bytesOut = totals.bytesOut
            status.bytesIn = totals.bytesIn
            status.lastError = forwardErrors[forward.name]
        } else if let problem = bindFailures[forward.name] {
            status.state = .failed
            status.lastError = problem
        }
        if let previous = forwardSince[forward.name], previous.state == status.state {
            status.since = previous.since
        } else {
            forwardSince[forward.name] = (status.state, status.since)
        }
        return status
    }

    /// Whether two link states are the same state (reconnecting counts as
    /// one, whatever its attempt).
    static func sameState(_ one: ServerStatus.Link, _ other: ServerStatus.Link) -> Bool {
        switch (one, other) {
        case (.reconnecting, .reconnecting): return true
        default: return one == other
        }
    }
}
