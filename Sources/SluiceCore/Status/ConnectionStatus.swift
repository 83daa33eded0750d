import Foundation

/// One open connection of a forward, as a connections view shows it (like
/// OpenSSH's `~#`). Asked for one forward at a time, not carried in every
/// status snapshot: a forward may hold thousands.
public struct ConnectionStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// Accepted, not yet carrying bytes: the SOCKS client is still
        /// naming its target, the server is opening the channel, the -R
        /// target is being connected to, or the link is down and the
        /// client waits for it.
        case opening
        case relaying
        /// One side has ended (half-closed); the other may still send, and
        /// queued bytes are still being delivered.
        case closing
    }

    /// Unique within the engine and the same for the connection's whole
    /// life: what a close names.
    public var id: UInt64
    /// Who connected: the local client's address ("127.0.0.1:53122"); for
    /// -R, the address the server says the connection came from, or
    /// "server" when it does not say.
    public var client: String
    /// Where it goes: the forward's target (-L, -R), or the host and port
    /// a SOCKS client asked for (-D); nil while that client has not said.
    public var destination: String?
    public var openedAt: Date
    /// This connection's bytes, in the directions of `ForwardStatus`:
    /// from this machine's side toward the server's side, and back.
    public var bytesOut: UInt64
    public var bytesIn: UInt64
    public var state: State

    public init(id: UInt64, client: String, destination: String?, openedAt: Date,
                bytesOut: UInt64 = 0, bytesIn: UInt64 = 0, state: State) {
        self.id = id
        self.client = client
        self.destination = destination
        self.openedAt = openedAt
        self.bytesOut = bytesOut
        self.bytesIn = bytesIn
        self.state = state
    }
}
