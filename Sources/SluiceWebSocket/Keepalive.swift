/// How an idle WebSocket is checked: a ping after `interval` seconds with
/// nothing heard from the agent, and the stream given up after a second
/// interval without an answer. A paused stream (the local client is not
/// reading) is not idle; it is waiting.
public struct Keepalive: Sendable, Equatable {
    public var interval: Double

    public init(interval: Double = 30) {
        self.interval = interval
    }
}
