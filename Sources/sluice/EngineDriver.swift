import Foundation
import SluiceCore
import SluiceSSH

/// Hands the screen's requests to the engine on a thread of their own, in
/// order: replacing a server's session can wait for its thread to end, and
/// the screen must not freeze meanwhile.
final class EngineDriver: Sendable {
    let engine: Engine
    private let queue = DispatchQueue(label: "sluice.engine-driver")

    init(engine: Engine) {
        self.engine = engine
    }

    func apply(_ servers: [Server]) {
        queue.async { [engine] in engine.apply(servers) }
    }

    func retry(_ server: String) {
        queue.async { [engine] in engine.retry(server: server) }
    }

    /// In order after the applies before it, so a forward just added is
    /// known; the answer comes through `reply`, on another thread.
    func connections(server: String, forward: String,
                     reply: @escaping @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void) {
        queue.async { [engine] in engine.connections(server: server, forward: forward, reply: reply) }
    }

    func closeConnection(_ id: UInt64, server: String, forward: String,
                         reply: @escaping @Sendable (Result<Void, ConnectionRequestError>) -> Void) {
        queue.async { [engine] in engine.closeConnection(id, server: server, forward: forward, reply: reply) }
    }

    /// Closes every forward, letting connections finish until `deadline`;
    /// returns when done.
    func stop(drainDeadline: Date) {
        queue.sync { engine.stop(drainDeadline: drainDeadline) }
    }
}
