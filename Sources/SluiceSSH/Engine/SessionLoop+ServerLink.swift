import Foundation
import SluiceCore

/// The engine drives an SSH server's session thread as it drives any link.
extension SessionLoop: ServerLink {
    func serves(_ server: Server) -> Bool {
        SessionSettings(server: server, home: settings.home, connectTimeout: settings.connectTimeout) == settings
    }

    func setForwards(_ forwards: [Forward]) {
        send(.setForwards(forwards))
    }

    func retryNow() {
        send(.retryNow)
    }

    func stop(drainUntil: Date?) {
        send(.stop(drainUntil: drainUntil))
    }

    func connections(forward: String, reply: @escaping ConnectionsReply) {
        send(.listConnections(forward: forward, reply: reply))
    }

    func closeConnection(_ id: UInt64, forward: String, reply: @escaping CloseReply) {
        send(.closeConnection(forward: forward, id: id, reply: reply))
    }
}
