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
///
/// With `sluice.v2` a stream comes back when its client is done, and is
/// asked for the next connection (`next`) instead of a new WebSocket
/// being dialled: no TCP or HTTP handshake per connection at all. A stream
/// lent out is replaced only if it has not come back within `returnWait`
/// (a long-lived client); one that comes back to a full pool is closed.
final class StreamPool {
    /// Shorter-lived idle streams are not replaced (see above).
    static let healthyAge = TimeAmount.seconds(1)
    /// A stream is handed out once the agent said its target is connected
    /// (sluice.v1's unsolicited pong), or else once it has been open this
    /// long: an agent that cannot reach the target says so (1011) right
    /// after the upgrade, and a client should not get a stream that is
    /// about to hear that, after the target came back.
    static let settleTime = TimeAmount.milliseconds(250)
    /// How long a `sluice.v2` stream lent to a client is waited for before
    /// the pool dials a replacement.
    static let returnWait = TimeAmount.seconds(1)

    private let eventLoop: EventLoop
    private let dialer: any StreamDialing
    private let route: ServiceRoute
    private let size: Int
    private let problems: ReportFilter
    /// Streams held for clients to come, with their handlers (found once:
    /// a pipeline lookup is a walk with dynamic casts).
    private var ready: [(stream: AgentStream, handler: AgentSideHandler, since: NIODeadline)] = []
    private var dialing = 0
    /// `sluice.v2` streams lent to clients and expected back, each until
    /// its `returnWait` is over; they count toward the pool's size.
    private var lent: [ObjectIdentifier: Scheduled<Void>] = [:]
    /// Clients waiting for a stream that is about to be ready (one asked
    /// for its next connection), which comes sooner than a dial would.
    private var waiting: [EventLoopPromise<AgentStream>] = []
    /// Streams not yet ready that will say when they are: `sluice.v2`
    /// makes the ready pong part of the protocol (an agent of `sluice.v1`
    /// may not send it, and its streams are handed out by age instead).
    private var comingSoon: Int { ready.count { $0.stream.reusable } }
    private var closed = false

    init(eventLoop: EventLoop, dialer: any StreamDialing, route: ServiceRoute, size: Int, problems: ReportFilter) {
        self.eventLoop = eventLoop
        self.dialer = dialer
        self.route = route
        self.size = size
        self.problems = problems
    }

    /// Dials until `size` streams are ready, on their way, or lent and
    /// expected back.
    func fill() {
        while !closed && ready.count + dialing + lent.count < size {
            dialOne()
        }
    }

    /// The oldest settled stream if there is one; else one about to be
    /// ready, or a dial of the client's own.
    func take() -> EventLoopFuture<AgentStream> {
        ready.removeAll { !$0.handler.isUsable }
        dialForWaiting(all: false)
        // A sluice.v2 stream is ready when its agent says so (the pong is
        // part of that protocol); a sluice.v1 one also by its age.
        let settled = NIODeadline.now() - Self.settleTime
        if let index = ready.firstIndex(where: { $0.handler.targetReady || (!$0.stream.reusable && $0.since <= settled) }) {
            let held = ready.remove(at: index)
            return eventLoop.makeSucceededFuture(lend(held.stream, handler: held.handler))
        }
        if comingSoon > waiting.count {
            let promise = eventLoop.makePromise(of: AgentStream.self)
            waiting.append(promise)
            return promise.futureResult
        }
        // Refilled after this turn of the loop: the client's first bytes
        // come before a new dial's setup.
        eventLoop.assumeIsolated().execute { self.fill() }
        return dialer.dial(route, on: eventLoop)
    }

    /// A `sluice.v2` stream whose client is done: asked for the next
    /// connection and kept, unless the pool is full or closed.
    func giveBack(_ stream: AgentStream) {
        guard let handler = returned(stream) else { return }
        handler.requestNext()
        keep(stream, handler: handler)
    }

    /// A stream handed to a client that left before using it: still
    /// connected to the service and untouched, so kept as it is.
    func putBack(_ stream: AgentStream) {
        guard let handler = returned(stream) else { return }
        keep(stream, handler: handler, since: .now() - Self.settleTime)
    }

    /// A lent stream is back: its handler if the pool has room for it,
    /// else nil, and the stream is closed.
    private func returned(_ stream: AgentStream) -> AgentSideHandler? {
        lent.removeValue(forKey: ObjectIdentifier(stream.channel))?.cancel()
        guard !closed, ready.count + dialing + lent.count < size, let handler = Self.handler(of: stream), handler.isUsable else {
            LocalSideHandler.closeUnused(stream)
            return nil
        }
        return handler
    }

    /// Closes the idle streams (1000) and stops refilling; clients still
    /// waiting dial for themselves.
    func close() {
        closed = true
        let idle = ready
        ready = []
        for held in idle { held.handler.sendClose(code: 1000, reason: "") }
        for (_, timer) in lent { timer.cancel() }
        lent = [:]
        dialForWaiting(all: true)
    }

    /// Hands a stream to a client; one that may come back is waited for,
    /// any other is replaced after this turn of the loop.
    private func lend(_ stream: AgentStream, handler: AgentSideHandler) -> AgentStream {
        handler.onEndedUnmatched = nil
        handler.onTargetReady = nil
        problems.worked()
        if stream.reusable {
            let identity = ObjectIdentifier(stream.channel)
            lent[identity] = eventLoop.assumeIsolated().scheduleTask(in: Self.returnWait) {
                if self.lent.removeValue(forKey: identity) != nil { self.fill() }
            }
        } else {
            eventLoop.assumeIsolated().execute { self.fill() }
        }
        return stream
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
                self.dialForWaiting(all: false)
                return
            }
            guard !self.closed, let handler = Self.handler(of: stream), handler.isUsable else {
                LocalSideHandler.closeUnused(stream)
                return
            }
            self.keep(stream, handler: handler)
        }
    }

    /// Holds a stream for a client to come, until it ends unused.
    private func keep(_ stream: AgentStream, handler: AgentSideHandler, since: NIODeadline = .now()) {
        let identity = ObjectIdentifier(stream.channel)
        handler.onEndedUnmatched = { problem in
            self.ready.removeAll { ObjectIdentifier($0.stream.channel) == identity }
            if let problem, !self.closed { self.problems.problem("\(self.route): \(problem)") }
            self.dialForWaiting(all: false)
            if NIODeadline.now() - since >= Self.healthyAge {
                self.fill()
            }
        }
        handler.onTargetReady = {
            guard !self.waiting.isEmpty, let index = self.ready.firstIndex(where: { ObjectIdentifier($0.stream.channel) == identity }) else { return }
            let held = self.ready.remove(at: index)
            self.waiting.removeFirst().succeed(self.lend(held.stream, handler: held.handler))
        }
        ready.append((stream, handler, since))
    }

    /// Clients waiting for more streams than can still become ready dial
    /// for themselves.
    private func dialForWaiting(all: Bool) {
        while !waiting.isEmpty && (all || waiting.count > comingSoon) {
            waiting.removeLast().completeWith(dialer.dial(route, on: eventLoop))
        }
    }

    private static func handler(of stream: AgentStream) -> AgentSideHandler? {
        try? stream.channel.pipeline.syncOperations.handler(type: AgentSideHandler.self)
    }
}

@available(*, unavailable)
extension StreamPool: Sendable {}
