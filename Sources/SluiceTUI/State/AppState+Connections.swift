import SluiceCore

/// The connections view: the engine's lists as they arrive, moving
/// through them, and `x` to close one.
extension AppState {
    mutating func handleConnectionsKey(_ key: Key, _ view: ConnectionsView) -> [Effect] {
        var view = view
        switch key {
        case .escape, .character("q"), .enter, .character("h"), .left:
            overlay = nil
            return []
        case .up, .character("k"): view.move(by: -1)
        case .down, .character("j"): view.move(by: 1)
        case .pageUp: view.move(by: -10)
        case .pageDown: view.move(by: 10)
        case .home, .character("g"): view.move(by: -view.connections.count)
        case .end, .character("G"): view.move(by: view.connections.count)
        case .character("x"), .delete:
            guard let connection = view.current else { break }
            view.selected = connection.id
            view.closing.insert(connection.id)
            overlay = .connections(view)
            return [.closeConnection(view.forward, id: connection.id)]
        case .character("y"):
            guard let connection = view.current else { break }
            note("Copied \(connection.client) to the clipboard (OSC 52; in tmux: set -g set-clipboard on).", server: view.forward.server)
            return [.copy(connection.client)]
        default:
            break
        }
        overlay = .connections(view)
        return []
    }

    mutating func absorbConnections(_ list: [ConnectionStatus], of forward: ForwardReference) {
        guard case .connections(var view) = overlay, view.forward == forward else { return }
        view.update(list)
        overlay = .connections(view)
    }

    mutating func connectionsRefused(_ problem: String, of forward: ForwardReference) {
        guard case .connections(var view) = overlay, view.forward == forward else { return }
        view.problem = problem
        view.isLoaded = true
        view.connections = []
        overlay = .connections(view)
    }

    mutating func connectionClosed(_ id: UInt64, of forward: ForwardReference, problem: String?) {
        var client = "connection \(id)"
        if case .connections(var view) = overlay, view.forward == forward {
            if let connection = view.connections.first(where: { $0.id == id }) { client = "\(connection.client) (connection \(id))" }
            if problem != nil { view.closing.remove(id) }
            overlay = .connections(view)
        }
        if let problem {
            note("Could not close \(client) of \(forward): \(problem)", server: forward.server, isProblem: true)
        } else {
            note("Closed \(client) of \(forward).", server: forward.server)
        }
    }
}
