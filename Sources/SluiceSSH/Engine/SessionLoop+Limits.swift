import Foundation
import SluiceCore

/// What keeps one client, or many, from starving the others: SOCKS clients
/// get a few seconds to say where to go, and a forward at its connection
/// limit, or a process short of descriptors (see DescriptorReserve), stops
/// accepting (clients wait in the listener's queue) until connections close.
extension SessionLoop {
    /// Closes -D connections whose clients did not name a target in time.
    /// Those due within the next tenth of a second go too: a crowd accepted
    /// over a few turns then ends in one turn, not in one per batch.
    func closeSilentSOCKSClients() {
        for connection in socksDeadlines.expire(now: .now + .milliseconds(100), waiting: \.isAwaitingSOCKSRequest) {
            connection.finish(because: connection.socksTimeoutReason(after: tuning.socksHandshakeTimeout))
        }
    }

    /// Why `runtime`'s listener may not take another connection now, if
    /// it may not.
    func acceptPause(for runtime: ForwardRuntime) -> ForwardStatus.AcceptPause? {
        if runtime.status.openConnections + runtime.heldClients >= tuning.maxConnections { return .connectionLimit(tuning.maxConnections) }
        guard let listener = runtime.listener else { return nil }
        return descriptors.pauseBeforeAccepting(on: listener)
    }

    /// Shows `reason` (nil: accepting again) on the forward. A paused
    /// listener leaves the poll set, so its queue does not wake the loop.
    func pauseAccepting(_ runtime: ForwardRuntime, _ reason: ForwardStatus.AcceptPause?) {
        guard runtime.status.acceptPause != reason else { return }
        runtime.status.acceptPause = reason
        statusDirty = true
    }

    /// Takes the clients that waited on paused listeners whose reason has
    /// passed, at once rather than after another poll(): a connection that
    /// closed made room, and the pause clears only when a look at the
    /// queue finds it empty.
    func resumeAccepting() {
        guard session != nil, !stopping else { return }
        for runtime in forwards where runtime.listener != nil && runtime.status.acceptPause != nil && acceptPause(for: runtime) == nil {
            acceptConnections(on: runtime)
        }
    }
}
