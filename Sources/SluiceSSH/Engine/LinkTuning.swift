import Foundation

/// How hard a session works to notice and repair a dead link.
public struct LinkTuning: Sendable, Equatable {
    /// Seconds of silence from the server before a keepalive is sent. Any
    /// packet received counts as an answer, so a busy link sends none.
    public var keepaliveInterval: TimeInterval
    /// Keepalives that may go unanswered; one more silent interval and the
    /// link is declared dead. Detection takes about interval x (count + 1).
    public var keepaliveCountMax: Int
    /// 5 s x (3 + 1): a dead link is noticed within 20 s. A keepalive is one
    /// small packet each way, sent only on a quiet link, so probing every
    /// 5 s costs nothing worth saving; waiting a minute (OpenSSH-style 15 s
    /// x 4) leaves forwards dead for longer than a user waits before giving
    /// up on them. Three misses, not one, ride out a congested or lossy link.
    public static let defaultKeepaliveInterval: TimeInterval = 5
    public static let defaultKeepaliveCountMax = 3
    /// Reconnect delays: `initial`, doubling up to `maximum`, +/- 20 %.
    public var reconnectInitial: TimeInterval
    public var reconnectMaximum: TimeInterval
    /// Seconds to wait for a TCP connect, the SSH handshake and each
    /// blocking request.
    public var connectTimeout: Int
    /// Seconds a -D client may take from connecting to naming its target.
    /// A SOCKS client sends its greeting and request at once, without
    /// waiting for a person or a remote host: on loopback or a LAN they
    /// arrive within milliseconds, so 5 s is a thousand times what a working
    /// client needs even on a loaded machine, while a client that sends
    /// nothing (or half a request) holds its connection, one of the
    /// forward's `maxConnections`, for no longer than that.
    public var socksHandshakeTimeout: TimeInterval
    /// Connections one forward holds open at most; more wait in the
    /// listener's queue (-L, -D) or are turned away (-R, which has no queue
    /// here) until some close. The default, twice `make bench`'s 1,000
    /// simultaneous connections through one -L, is far above what a
    /// person's tools open, yet keeps one forward from taking every
    /// descriptor (the soft limit Sluice raises to is at most 65,536), from
    /// queueing more than about 1 GiB (up to 256 KiB each way per busy
    /// connection), and from using up the channels one SSH session may have open
    /// (OpenSSH's sshd allows 16,384 in all, for every forward).
    public static let defaultMaxConnections = 2048
    public var maxConnections: Int

    /// Values outside what the engine can use (the CLI refuses them first)
    /// are clamped, so no input can make a conversion trap.
    public init(keepaliveInterval: TimeInterval = LinkTuning.defaultKeepaliveInterval, keepaliveCountMax: Int = LinkTuning.defaultKeepaliveCountMax,
                reconnectInitial: TimeInterval = 0.5, reconnectMaximum: TimeInterval = 30, connectTimeout: Int = 15,
                socksHandshakeTimeout: TimeInterval = 5, maxConnections: Int = LinkTuning.defaultMaxConnections) {
        self.keepaliveInterval = Self.clamp(keepaliveInterval, 0.1, 86_400, default: Self.defaultKeepaliveInterval)
        self.keepaliveCountMax = min(max(keepaliveCountMax, 1), 1000)
        self.reconnectInitial = Self.clamp(reconnectInitial, 0.01, 3600, default: 0.5)
        self.reconnectMaximum = Self.clamp(reconnectMaximum, 0.01, 86_400, default: 30)
        self.connectTimeout = min(max(connectTimeout, 1), 3600)
        self.socksHandshakeTimeout = Self.clamp(socksHandshakeTimeout, 0.1, 3600, default: 5)
        self.maxConnections = max(maxConnections, 1)
    }

    private static func clamp(_ value: TimeInterval, _ low: TimeInterval, _ high: TimeInterval, default fallback: TimeInterval) -> TimeInterval {
        value.isNaN ? fallback : min(max(value, low), high)
    }

    /// The longest a frozen server goes unnoticed.
    public var deadLinkBound: TimeInterval { keepaliveInterval * Double(keepaliveCountMax + 1) }

    /// After a sleep, how long a link has to answer one keepalive before it
    /// counts as dead: long enough for a round trip across the world on a
    /// network just back (Wi-Fi rejoining), short enough that forwards work
    /// again within about 5 s of waking.
    public static let resumeProbeDeadline: TimeInterval = 3
    var resumeProbeTimeout: Duration { .seconds(min(Self.resumeProbeDeadline, deadLinkBound)) }
}
