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

    /// Why a forward that is up takes no new connections for now: its
    /// clients wait in the listener's queue until this clears.
    public enum AcceptPause: Sendable, Equatable, CustomStringConvertible {
        /// `limit` connections are open, the most one forward takes.
        case connectionLimit(Int)
        /// The process has `open` of the `limit` descriptors it may have
        /// open (the last few are kept for the SSH session and -R).
        case outOfDescriptors(open: Int, limit: Int)
        /// The whole system is short of descriptors or socket memory.
        case systemShortage(String)

        public var description: String { "accepting paused: \(reason)" }

        /// Why, without the "accepting paused" (a -R connection fails for
        /// the same reasons).
        public var reason: String {
            switch self {
            case .connectionLimit(let limit):
                return "\(Self.grouped(limit)) connections open, the most one forward takes"
            case let .outOfDescriptors(open, limit):
                return "out of file descriptors (\(Self.grouped(open)) open, limit \(Self.grouped(limit)))"
            case .systemShortage(let text):
                return text
            }
        }

        /// 2048 as "2,048", whatever the locale: the same text in every log.
        static func grouped(_ number: Int) -> String {
            let digits = Array(String(number))
            return digits.enumerated().map { index, digit in
                index > 0 && (digits.count - index) % 3 == 0 ? ",\(digit)" : String(digit)
            }.joined()
        }
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
    /// Set while the forward leaves clients waiting: from the moment one
    /// waited that could not be taken until its queue is found empty.
    public var acceptPause: AcceptPause?
    public var since: Date

    public init(name: String, state: State, since: Date = Date()) {
        self.name = name
        self.state = state
        self.since = since
    }

    /// "off", "starting", "listening", "active 3", "paused" or "error".
    public var stateWord: String {
        switch state {
        case .off: return "off"
        case .starting: return "starting"
        case .up:
            if acceptPause != nil { return "paused" }
            return openConnections == 0 ? "listening" : "active \(openConnections)"
        case .failed: return "error"
        }
    }
}
