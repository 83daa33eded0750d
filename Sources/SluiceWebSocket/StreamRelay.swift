import NIOCore

/// One local client matched with one WebSocket: carries bytes between the
/// two handlers (both on one event loop), and does what `RelayState` says
/// when a stream ends. Each side reads only while the other can take more,
/// so a slow reader on either end slows the sender instead of growing a
/// buffer here.
final class StreamRelay {
    private var state: RelayState
    private let local: LocalSideHandler
    private let agent: AgentSideHandler
    private let route: ServiceRoute
    private let report: @Sendable (String) -> Void
    /// Takes the WebSocket back once this connection is done with it
    /// (`sluice.v2`).
    private let giveBack: () -> Void

    init(local: LocalSideHandler, agent: AgentSideHandler, reusable: Bool, route: ServiceRoute,
         report: @escaping @Sendable (String) -> Void, giveBack: @escaping () -> Void) {
        self.local = local
        self.agent = agent
        self.route = route
        self.report = report
        self.giveBack = giveBack
        state = RelayState(halfClose: agent.halfClose, reusable: reusable)
    }

    var localIsWritable: Bool { local.isWritable }
    /// After the release the WebSocket is another client's: this one's
    /// backpressure and flushes no longer reach it.
    var agentIsWritable: Bool { !state.released && agent.isWritable }

    // MARK: From the local client

    func local(_ data: ByteBuffer) {
        guard state.sendsUp else { return }
        agent.write(data)
    }

    func localReadComplete() {
        guard !state.released else { return }
        agent.flush()
    }

    func localEnded() {
        perform(state.localEnded())
    }

    func localClosed() {
        perform(state.localClosed())
    }

    func localBecameWritable() {
        guard !state.released else { return }
        agent.resumeReading()
    }

    // MARK: From the agent

    func agent(_ event: AgentSideHandler.Event) {
        switch event {
        case let .data(data):
            guard state.sendsDown else { return }
            local.write(data)
        case .endOfStream:
            perform(state.agentEnded())
        case let .close(code, reason):
            perform(state.agentClosed(code: code, reason: reason))
        case .text:
            perform(state.agentSentText())
        case .gone:
            perform(state.webSocketGone())
        case let .keepaliveExpired(seconds):
            perform(state.keepaliveExpired(seconds: seconds))
        }
    }

    func agentReadComplete() {
        local.flush()
    }

    func agentBecameWritable() {
        local.resumeReading()
    }

    private func perform(_ actions: [RelayState.Action]) {
        for action in actions {
            switch action {
            case .sendEndOfStream:
                agent.sendEndOfStream()
            case let .sendClose(code, reason):
                agent.sendClose(code: code, reason: reason)
            case .shutDownLocalOutput:
                local.shutDownOutputAfterWrites()
            case .closeLocal:
                local.closeAfterWrites()
            case .dropWebSocket:
                agent.drop()
            case let .report(line):
                report("\(route): \(line)")
            case .release:
                agent.detach()
                giveBack()
            }
        }
    }
}

@available(*, unavailable)
extension StreamRelay: Sendable {}
