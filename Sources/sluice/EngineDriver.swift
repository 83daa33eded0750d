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

    /// Closes every forward, letting connections finish until `deadline`;
    /// returns when done.
    func stop(drainDeadline: Date) {
        queue.sync { engine.stop(drainDeadline: drainDeadline) }
    }
}
