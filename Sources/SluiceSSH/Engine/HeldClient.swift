import Foundation
import SluiceCore

/// A client of a -L or -D forward that connected while the link was down.
/// Its listener stays bound across a reconnect (no other program may take
/// the port), so the kernel completes the client's connect at once; left in
/// the listener's queue it would hang for as long as the link stays down.
/// Held here instead, it either gets a channel when the link is back or is
/// closed once the connect timeout has passed, so the client's own retry or
/// error handling can act.
final class HeldClient {
    unowned let forward: ForwardRuntime
    /// Its number from the start: the connection it becomes keeps it.
    let id: UInt64
    let openedAt: Date
    let socket: Socket
    let deadline: ContinuousClock.Instant

    init(forward: ForwardRuntime, id: UInt64, openedAt: Date, socket: Socket, deadline: ContinuousClock.Instant) {
        self.forward = forward
        self.id = id
        self.openedAt = openedAt
        self.socket = socket
        self.deadline = deadline
    }

    /// Waiting for the link: opening. A -L client is bound for the
    /// forward's target; a -D client has not been asked yet.
    var status: ConnectionStatus {
        ConnectionStatus(id: id, client: socket.peerAddress ?? "gone", destination: forward.spec.kind == .local ? forward.spec.targetAddress : nil,
                         openedAt: openedAt, state: .opening)
    }
}
