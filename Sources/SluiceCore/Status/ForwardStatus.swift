import Foundation

/// What one forward is doing right now. Saved settings live in `Forward`;
/// this is live state only.
public struct ForwardStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Switched off.
        case off
        /// Waiting for the link, or for the server to accept a remote port.
        case starting
        /// Listening; connections are carried.
        case up
        /// Could not come up; `lastError` says why.
        case failed
    }

    public var name: String
    public var state: State
    /// Where it listens now: the local address, or for -R the address the
    /// server bound (with the port it picked for port 0).
    public var listening: String?
    public var openConnections = 0
    public var totalConnections = 0
    /// Bytes from this machine's side toward the server's side, and back.
    public var bytesOut: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var lastError: String?
    public var since: Date

    public init(name: String, state: State, since: Date = Date()) {
        self.name = name
        self.state = state
        self.since = since
    }

    /// "off", "starting", "listening", "active 3" or "error".
    public var stateWord: String {
        switch state {
        case .off: return "off"
        case .starting: return "starting"
        case .up: return openConnections == 0 ? "listening" : "active \(openConnections)"
        case .failed: return "error"
        }
    }
}
