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
            overlay = .connections(view)
            return copyEffects(connection.client, saying: connection.client, server: view.forward.server)
        default:
            break
        }
        overlay = .connections(view)
        return []
    }

    /// The wheel moves the selection; a click on a row selects it.
    mutating func handleConnectionsMouse(_ event: MouseEvent, _ view: ConnectionsView) {
        var view = view
        switch event.kind {
        case .wheelUp: view.move(by: -1)
        case .wheelDown: view.move(by: 1)
        case .press:
            let rows = ConnectionTableView.rows(screenHeight: screenHeight)
            let index = event.y - ConnectionTableView.firstRow + ConnectionTableView.offset(of: view, rows: rows)
            guard event.y >= ConnectionTableView.firstRow, event.y < ConnectionTableView.firstRow + rows,
                  view.connections.indices.contains(index) else { return }
            view.selected = view.connections[index].id
        }
        overlay = .connections(view)
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
