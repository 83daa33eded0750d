import Foundation

/// The state of one server's link and of its forwards.
public struct ServerStatus: Sendable, Equatable {
    public enum Link: Sendable, Equatable {
        /// Not connected and not trying: no forward wants it.
        case idle
        case connecting
        case connected
        /// Lost or failed; the next attempt is at `next`.
        case reconnecting(attempt: Int, next: Date)
        /// Given up (a problem retrying cannot fix, such as a changed host key).
        case failed
    }

    public var name: String
    public var link: Link
    public var lastError: String?
    /// How the link runs when not directly: "via bastion", "via ProxyCommand".
    public var route: String?
    /// What the user should know about how the link was made that is not
    /// an error, e.g. a host key trusted on first use.
    public var notices: [String] = []
    public var since: Date
    public var forwards: [ForwardStatus]

    public init(name: String, link: Link, forwards: [ForwardStatus] = [], since: Date = Date()) {
        self.name = name
        self.link = link
        self.forwards = forwards
        self.since = since
    }

    public func forward(named name: String) -> ForwardStatus? {
        forwards.first { $0.name == name }
    }

    /// "connected", "reconnecting (attempt 3, next in 4 s)", ...
    public func linkWord(now: Date = Date()) -> String {
        switch link {
        case .idle: return "off"
        case .connecting: return "connecting"
        case .connected: return "connected"
        case let .reconnecting(attempt, next):
            let seconds = max(0, Int(next.timeIntervalSince(now).rounded(.up)))
            return "reconnecting (attempt \(attempt), next in \(seconds) s)"
        case .failed: return "failed"
        }
    }
}
