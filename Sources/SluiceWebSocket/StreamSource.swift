import NIOCore

/// Where a local client gets its WebSocket: a fresh dial, or a pool of
/// pre-opened ones. The stream comes on the event loop asked for, the
/// client's own, so both ends of a relay share one thread.
protocol StreamSource: Sendable {
    func stream(on eventLoop: EventLoop) -> EventLoopFuture<AgentStream>
    /// Begins opening streams ahead of clients, once the listener is bound.
    func start()
    /// Lets go of anything held open for clients to come (a pool's
    /// streams); on the forward's event loop.
    func close()
    /// A `sluice.v2` stream whose connection is over, on its own loop: kept
    /// for the next client, or closed.
    func giveBack(_ stream: AgentStream)
    /// A stream whose client left before using it, on its own loop: kept
    /// as it is for the next client, or closed.
    func putBack(_ stream: AgentStream)
}

/// Without a pool: one dial per client.
struct DialingSource: StreamSource {
    let dialer: WebSocketDialer
    let route: ServiceRoute

    func stream(on eventLoop: EventLoop) -> EventLoopFuture<AgentStream> {
        dialer.dial(route, on: eventLoop)
    }

    func start() {}

    func close() {}

    /// Nothing is held open without a pool.
    func giveBack(_ stream: AgentStream) {
        LocalSideHandler.closeUnused(stream)
    }

    func putBack(_ stream: AgentStream) {
        LocalSideHandler.closeUnused(stream)
    }
}
