import Foundation

/// A client of a -L or -D forward that connected while the link was down.
/// Its listener stays bound across a reconnect (no other program may take
/// the port), so the kernel completes the client's connect at once; left in
/// the listener's queue it would hang for as long as the link stays down.
/// Held here instead, it either gets a channel when the link is back or is
/// closed once the connect timeout has passed, so the client's own retry or
/// error handling can act.
final class HeldClient {
    unowned let forward: ForwardRuntime
    let socket: Socket
    let deadline: ContinuousClock.Instant

    init(forward: ForwardRuntime, socket: Socket, deadline: ContinuousClock.Instant) {
        self.forward = forward
        self.socket = socket
        self.deadline = deadline
    }
}
