import NIOCore

/// WebSockets opened before a client needs them, for one forward on one
/// event loop, so a new client waits one local hop instead of a TCP and
/// HTTP handshake with the agent.
///
/// Refilled as clients take streams. An idle stream is kept by the
/// keepalive (pings); one that ends unused (silent, closed by the agent)
/// is replaced if it had been healthy for a while, and simply forgotten if
/// it ended at once (a refused target, a 401): then the next client dials
/// for itself and hears why, and a broken agent is not dialled in a loop.
/// A dial that fails shrinks the pool the same way. What stops the pool
/// from filling is said once (a token missing, a target refusing), so a
/// user learns it before the first client comes.
final class StreamPool {
    /// Shorter-lived idle streams are not replaced (see above).
    static let healthyAge = TimeAmount.seconds(1)
    /// A stream is handed out once the agent said its target is connected
    /// (sluice.v1's unsolicited pong), or else once it has been open this
    /// long: an agent that cannot reach the target says so (1011) right
    /// after the upgrade, and a client should not get a stream that is
    /// about to hear that, after the target came back.
    static let settleTime = TimeAmount.milliseconds(250)

    private let eventLoop: EventLoop
    private let dialer: WebSocketDialer
    private let route: ServiceRoute
    private let size: Int
    private let problems: ReportFilter
    private var ready: [(stream: AgentStream, since: NIODeadline)] = []
    private var dialing = 0
    private var closed = false

    init(eventLoop: EventLoop, dialer: WebSocketDialer, route: ServiceRoute, size: Int, problems: ReportFilter) {
        self.eventLoop = eventLoop
        self.dialer = dialer
        self.route = route
        self.size = size
        self.problems = problems
    }

    /// Dials until `size` streams are ready or on their way.
    func fill() {
        while !closed && ready.count + dialing < size {
            dialOne()
        }
    }

    /// The oldest settled stream if there is one, else a dial of the
    /// client's own; then the pool refills.
    func take() -> EventLoopFuture<AgentStream> {
        // Refilled after this turn of the loop: the client's first bytes
        // come before a new dial's setup.
        defer { eventLoop.assumeIsolated().execute { self.fill() } }
        ready.removeAll { Self.handler(of: $0.stream)?.isUsable != true }
        let settled = NIODeadline.now() - Self.settleTime
        if let index = ready.firstIndex(where: { $0.since <= settled || Self.handler(of: $0.stream)?.targetReady == true }) {
            let (stream, _) = ready.remove(at: index)
            Self.handler(of: stream)?.onEndedUnmatched = nil
            problems.worked()
            return eventLoop.makeSucceededFuture(stream)
        }
        return dialer.dial(route, on: eventLoop)
    }

    /// Closes the idle streams (1000) and stops refilling.
    func close() {
        closed = true
        let idle = ready
        ready = []
        for (stream, _) in idle { LocalSideHandler.closeUnused(stream) }
    }

    private func dialOne() {
        dialing += 1
        dialer.dial(route, on: eventLoop).assumeIsolated().whenComplete { result in
            self.dialing -= 1
            let stream: AgentStream
            switch result {
            case let .success(opened):
                stream = opened
            case let .failure(error):
                if !self.closed { self.problems.problem("\(self.route): \(error)") }
                return
            }
            guard !self.closed, let handler = Self.handler(of: stream), handler.isUsable else {
                LocalSideHandler.closeUnused(stream)
                return
            }
            let since = NIODeadline.now()
            let identity = ObjectIdentifier(stream.channel)
            handler.onEndedUnmatched = { problem in
                self.ready.removeAll { ObjectIdentifier($0.stream.channel) == identity }
                if let problem, !self.closed { self.problems.problem("\(self.route): \(problem)") }
                if NIODeadline.now() - since >= Self.healthyAge {
                    self.fill()
                }
            }
            self.ready.append((stream, since))
        }
    }

    private static func handler(of stream: AgentStream) -> AgentSideHandler? {
        try? stream.channel.pipeline.syncOperations.handler(type: AgentSideHandler.self)
    }
}

@available(*, unavailable)
extension StreamPool: Sendable {}

/// One `StreamPool` per event loop of a forward's group.
struct PooledSource: StreamSource {
    private let pools: [ObjectIdentifier: NIOLoopBound<StreamPool>]

    /// Builds a pool on each loop; call off the loops.
    init(group: EventLoopGroup, dialer: WebSocketDialer, route: ServiceRoute, sizePerLoop: Int,
         report: @escaping @Sendable (String) -> Void) throws {
        let problems = ReportFilter(report: report)
        var pools: [ObjectIdentifier: NIOLoopBound<StreamPool>] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = try loop.submit {
                NIOLoopBound(StreamPool(eventLoop: loop, dialer: dialer, route: route, size: sizePerLoop, problems: problems), eventLoop: loop)
            }.wait()
        }
        self.pools = pools
    }

    func stream(on eventLoop: EventLoop) -> EventLoopFuture<AgentStream> {
        guard let pool = pools[ObjectIdentifier(eventLoop)] else {
            return eventLoop.makeFailedFuture(AgentError.invalid("no stream pool for this event loop"))
        }
        return pool.value.take()
    }

    func start() {
        for pool in pools.values {
            pool.eventLoop.execute { pool.value.fill() }
        }
    }

    func close(on eventLoop: EventLoop) {
        pools[ObjectIdentifier(eventLoop)]?.value.close()
    }
}
