import Foundation
import SluiceCore

/// A connections view's questions about an agent server's forwards,
/// answered on the link's queue from the forwards' own lists.
extension AgentServerLink {
    func connections(forward: String, reply: @escaping @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void) {
        queue.async { [self] in
            guard !stopped else { return reply(.failure(.sessionEnded(server: server.name))) }
            guard forwards.contains(where: { $0.name == forward }) else {
                return reply(.failure(.unknownForward(server: server.name, forward: forward)))
            }
            reply(.success(running[forward]?.carrier.connections ?? []))
        }
    }

    func closeConnection(_ id: UInt64, forward: String, reply: @escaping @Sendable (Result<Void, ConnectionRequestError>) -> Void) {
        queue.async { [self] in
            guard !stopped else { return reply(.failure(.sessionEnded(server: server.name))) }
            guard forwards.contains(where: { $0.name == forward }) else {
                return reply(.failure(.unknownForward(server: server.name, forward: forward)))
            }
            if running[forward]?.carrier.resetConnection(id) == true { return reply(.success(())) }
            if let other = running.values.first(where: { $0.carrier.connections.contains { $0.id == id } }) {
                return reply(.failure(.onAnotherForward(id, server: server.name, forward: other.forward.name)))
            }
            reply(.failure(id <= numbers.highest ? .alreadyClosed(id) : .noSuchConnection(id)))
        }
    }
}
