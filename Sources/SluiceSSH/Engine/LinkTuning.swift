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

    /// Values outside what the engine can use (the CLI refuses them first)
    /// are clamped, so no input can make a conversion trap.
    public init(keepaliveInterval: TimeInterval = 15, keepaliveCountMax: Int = 3,
                reconnectInitial: TimeInterval = 0.5, reconnectMaximum: TimeInterval = 30, connectTimeout: Int = 15) {
        self.keepaliveInterval = Self.clamp(keepaliveInterval, 0.1, 86_400, default: 15)
        self.keepaliveCountMax = min(max(keepaliveCountMax, 1), 1000)
        self.reconnectInitial = Self.clamp(reconnectInitial, 0.01, 3600, default: 0.5)
        self.reconnectMaximum = Self.clamp(reconnectMaximum, 0.01, 86_400, default: 30)
        self.connectTimeout = min(max(connectTimeout, 1), 3600)
    }

    private static func clamp(_ value: TimeInterval, _ low: TimeInterval, _ high: TimeInterval, default fallback: TimeInterval) -> TimeInterval {
        value.isNaN ? fallback : min(max(value, low), high)
    }

    /// The longest a frozen server goes unnoticed.
    public var deadLinkBound: TimeInterval { keepaliveInterval * Double(keepaliveCountMax + 1) }
}
