import NIOCore

/// What opens a WebSocket for a route: `WebSocketDialer` (TCP, TLS, the
/// upgrade); a pool is given one, and its tests a dialer of their own.
protocol StreamDialing: Sendable {
    func dial(_ route: ServiceRoute, on eventLoop: EventLoop) -> EventLoopFuture<AgentStream>
}
