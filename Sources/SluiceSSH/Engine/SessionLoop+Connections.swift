import Foundation
import SluiceCore

/// A forward's connections as a connections view asks for them, and
/// cutting one: built on the session thread, where the connections live,
/// only when asked (a forward may hold thousands, and the connect path
/// pays nothing for a view nobody opens).
extension SessionLoop {
    /// The forward's open connections, clients held for the link among
    /// them, oldest first.
    func connectionStatuses(of name: String) -> Result<[ConnectionStatus], ConnectionRequestError> {
        guard let runtime = forwards.first(where: { $0.name == name }) else {
            return .failure(.unknownForward(server: settings.serverName, forward: name))
        }
        var list: [ConnectionStatus] = heldClients.filter { $0.forward === runtime }.map(\.status)
        for connection in connections where connection.forward === runtime && !connection.isFinished {
            list.append(connection.status())
        }
        // Held clients released on a reconnect joined the connections after
        // younger ones.
        list.sort { $0.id < $1.id }
        return .success(list)
    }

    /// Every forward's list, for the answers given while the thread is
    /// busy connecting (see `answerWhileBusy`).
    func everyForwardsConnections() -> [String: [ConnectionStatus]] {
        var lists: [String: [ConnectionStatus]] = [:]
        for runtime in forwards {
            if case .success(let list) = connectionStatuses(of: runtime.name) { lists[runtime.name] = list }
        }
        return lists
    }

    /// Cuts connection `id` of the forward named `name`: both ends see it
    /// end as a failure (see `Connection.abort`). Done when this returns.
    func closeConnection(_ id: UInt64, of name: String) -> Result<Void, ConnectionRequestError> {
        guard let runtime = forwards.first(where: { $0.name == name }) else {
            return .failure(.unknownForward(server: settings.serverName, forward: name))
        }
        if let index = heldClients.firstIndex(where: { $0.id == id }) {
            let held = heldClients[index]
            guard held.forward === runtime else {
                return .failure(.onAnotherForward(id, server: settings.serverName, forward: held.forward.name))
            }
            held.socket.resetOnClose()
            heldClients.remove(at: index)
            runtime.heldClients -= 1
            descriptors.released()
            statusDirty = true
            return .success(())
        }
        if let connection = connections.first(where: { $0.id == id && !$0.isFinished }) {
            guard connection.forward === runtime else {
                return .failure(.onAnotherForward(id, server: settings.serverName, forward: connection.forward.name))
            }
            connection.abort()
            // Now, not at the end of the next turn: the loop may sleep
            // until something else happens.
            removeFinishedConnections()
            return .success(())
        }
        // Numbers are handed out in order and never reused.
        return .failure(id == 0 || id > numbers.highest ? .noSuchConnection(id) : .alreadyClosed(id))
    }
}
