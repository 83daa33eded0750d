import Foundation

/// How hard a session works to notice and repair a dead link.
public struct LinkTuning: Sendable, Equatable {
    /// Seconds of silence from the server before a keepalive is sent.
    public var keepaliveInterval: TimeInterval
    /// Keepalives that may go unanswered; one more silent interval and the
    /// link is declared dead. Detection takes about interval x (count + 1).
    public var keepaliveCountMax: Int
    /// Reconnect delays: `initial`, doubling up to `maximum`, +/- 20 %.
    public var reconnectInitial: TimeInterval
    public var reconnectMaximum: TimeInterval
    /// Seconds to wait for a TCP connect, the SSH handshake and each
    /// blocking request.
    public var connectTimeout: Int

    public init(keepaliveInterval: TimeInterval = 15, keepaliveCountMax: Int = 3,
                reconnectInitial: TimeInterval = 0.5, reconnectMaximum: TimeInterval = 30, connectTimeout: Int = 15) {
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveCountMax = keepaliveCountMax
        self.reconnectInitial = reconnectInitial
        self.reconnectMaximum = reconnectMaximum
        self.connectTimeout = connectTimeout
    }

    /// The longest a frozen server goes unnoticed.
    public var deadLinkBound: TimeInterval { keepaliveInterval * Double(keepaliveCountMax + 1) }
}
