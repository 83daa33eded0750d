import NIOCore

/// A forward's `StreamPool`, on the forward's event loop, where its
/// clients are too.
struct PooledSource: StreamSource {
    private let pool: NIOLoopBound<StreamPool>

    /// Builds the pool on `loop`; call off the loop.
    init(loop: EventLoop, dialer: any StreamDialing, route: ServiceRoute, size: Int,
         report: @escaping @Sendable (String) -> Void) throws {
        let problems = ReportFilter(report: report)
        pool = try loop.submit {
            NIOLoopBound(StreamPool(eventLoop: loop, dialer: dialer, route: route, size: size, problems: problems), eventLoop: loop)
        }.wait()
    }

    func stream(on eventLoop: EventLoop) -> EventLoopFuture<AgentStream> {
        guard eventLoop === pool.eventLoop else {
            return eventLoop.makeFailedFuture(AgentError.invalid("a client on another event loop than its forward's"))
        }
        return pool.value.take()
    }

    func start() {
        let pool = self.pool
        pool.eventLoop.execute { pool.value.fill() }
    }

    func close() {
        pool.value.close()
    }

    func giveBack(_ stream: AgentStream) {
        guard stream.channel.eventLoop === pool.eventLoop else { return LocalSideHandler.closeUnused(stream) }
        pool.value.giveBack(stream)
    }

    func putBack(_ stream: AgentStream) {
        guard stream.channel.eventLoop === pool.eventLoop else { return LocalSideHandler.closeUnused(stream) }
        pool.value.putBack(stream)
    }
}
