import SluiceCore

/// One stream's life, from the upgrade to the last frame: which direction
/// has ended, whether a close frame went out or came in, and what the
/// relay must do at each event. A value, so every path of the protocol is
/// tested without a socket.
///
/// Directions: the client's stream goes to the target (the service); the
/// target's comes back to the client. With `sluice.v1` each direction ends
/// on its own (an empty binary frame one way, a TCP FIN the other) and the
/// WebSocket closes 1000 once both have; without it, the target's end
/// closes the WebSocket, and the client's close frame closes the target.
/// With `sluice.v2` the WebSocket outlives its first connection: once both
/// directions have ended it waits, idle, for the client's `next` (a new
/// connection to the target) or its close.
struct RelayStateMachine {
    enum Phase: Equatable {
        /// Upgraded; the connection to the target is being made.
        case connecting
        case relaying
        /// `sluice.v2`: both directions ended and the target's connection
        /// let go; the WebSocket waits for `next` or a close.
        case idle
        /// Our close frame is out; the client's answer is awaited.
        case closing
        /// Nothing more goes either way.
        case closed
    }

    enum Action: Equatable {
        /// The client's stream ended: pass the end on as a TCP FIN.
        case shutdownTargetOutput
        /// The target's stream ended: an empty binary frame (`sluice.v1`).
        case sendEnd
        case sendClose(CloseFrame)
        case closeTarget
        /// Both directions ended (`sluice.v2`): let the target's connection
        /// go, once what is queued for it is written, and keep the WebSocket.
        case releaseTarget
        /// The client's `next`: connect to the target again.
        case connectTarget
        /// Drop the client's TCP connection (after what was written).
        case closeClient
    }

    /// What to do with data the client sent.
    enum DataVerdict: Equatable {
        case forward
        /// Keep it until the target is connected.
        case hold
        /// The stream is closing: nobody will read it.
        case drop
        case refuse([Action])
    }

    let halfClose: Bool
    let reuse: Bool
    /// The agent is shutting down: a connection that ends is the
    /// WebSocket's last.
    private(set) var draining = false
    private(set) var phase: Phase = .connecting
    private(set) var clientEnded = false
    private(set) var targetEnded = false
    /// The close frame we sent, if one went out.
    private(set) var closeSent: CloseFrame?
    private(set) var closeReceived = false
    /// The code of the client's close frame (nil also when it carried none).
    private(set) var clientCloseCode: UInt16?

    init(halfClose: Bool, reuse: Bool = false) {
        self.halfClose = halfClose || reuse
        self.reuse = reuse
    }

    mutating func clientData() -> DataVerdict {
        switch phase {
        case .closing, .closed:
            return .drop
        case .idle:
            return .refuse(fail(CloseFrame.policyViolation, "data between connections: send \"\(AgentSubprotocol.next)\" first"))
        case .connecting, .relaying:
            if clientEnded {
                return .refuse(fail(CloseFrame.policyViolation, "data after the end of the stream (an empty frame ended it)"))
            }
            return phase == .connecting ? .hold : .forward
        }
    }

    /// An empty binary frame under `sluice.v1`.
    mutating func clientEnd() -> [Action] {
        guard phase == .connecting || phase == .relaying, !clientEnded else { return [] }
        clientEnded = true
        guard phase == .relaying else { return [] }
        return [.shutdownTargetOutput] + (targetEnded ? bothEnded() : [])
    }

    /// A `next` text frame (`sluice.v2`): the same WebSocket for a new
    /// connection to the target.
    mutating func clientNext() -> [Action] {
        guard phase == .idle else {
            guard phase == .connecting || phase == .relaying else { return [] }
            return fail(CloseFrame.policyViolation, "\"\(AgentSubprotocol.next)\" before both directions had ended")
        }
        phase = .connecting
        clientEnded = false
        targetEnded = false
        return [.connectTarget]
    }

    mutating func clientClose(code: UInt16?) -> [Action] {
        closeReceived = true
        clientCloseCode = code
        switch phase {
        case .closed:
            return []
        case .closing:
            phase = .closed
            return [.closeClient]
        case .connecting, .relaying, .idle:
            let answer = CloseFrame(code: CloseFrame.echo(of: code))
            closeSent = answer
            phase = .closed
            return [.sendClose(answer), .closeTarget, .closeClient]
        }
    }

    /// A frame this protocol has no place for (text), or a broken one.
    mutating func clientBroke(code: UInt16, reason: String) -> [Action] {
        guard phase != .closed else { return [] }
        return fail(code, reason)
    }

    /// The client's TCP connection is gone, with or without a close frame.
    mutating func clientGone() -> [Action] {
        guard phase != .closed else { return [.closeTarget] }
        phase = .closed
        return [.closeTarget]
    }

    mutating func targetConnected() -> [Action] {
        guard phase == .connecting else { return [.closeTarget] }
        phase = .relaying
        return clientEnded ? [.shutdownTargetOutput] : []
    }

    mutating func targetUnreachable(_ reason: String) -> [Action] {
        guard phase == .connecting else { return [] }
        return finish(CloseFrame(code: CloseFrame.unexpectedCondition, reason: reason))
    }

    /// The target's FIN.
    mutating func targetEnd() -> [Action] {
        guard phase == .relaying, !targetEnded else { return [] }
        targetEnded = true
        guard halfClose else { return finish(CloseFrame(code: CloseFrame.normal)) }
        return [.sendEnd] + (clientEnded ? bothEnded() : [])
    }

    /// The target's connection is gone: after its FIN or without one (a
    /// reset, an error), which `problem` then names. A clean end that came
    /// as a full close (NIO reports no half-close once our side had shut
    /// down writing) is still passed on as the end of the target's stream
    /// before the close.
    mutating func targetGone(problem: String?) -> [Action] {
        guard phase == .relaying else { return [] }
        if let problem { return finish(CloseFrame(code: CloseFrame.unexpectedCondition, reason: problem)) }
        let endFirst: [Action] = halfClose && !targetEnded ? [.sendEnd] : []
        targetEnded = true
        return endFirst + (clientEnded ? bothEnded() : finish(CloseFrame(code: CloseFrame.normal)))
    }

    /// The agent began to shut down: an idle WebSocket closes now (1001),
    /// and one whose connection ends later closes then instead of waiting
    /// for another.
    mutating func agentDraining() -> [Action] {
        draining = true
        guard phase == .idle else { return [] }
        return finish(CloseFrame(code: CloseFrame.goingAway, reason: "the agent is shutting down"))
    }

    /// The agent is shutting down and the drain is over.
    mutating func agentStopping() -> [Action] {
        guard phase == .connecting || phase == .relaying || phase == .idle else { return [] }
        return finish(CloseFrame(code: CloseFrame.goingAway, reason: "the agent is shutting down"))
    }

    /// The client did not answer our close frame in time, or stopped
    /// answering pings: it is gone as far as the agent cares.
    mutating func clientUnresponsive() -> [Action] {
        guard phase != .closed else { return [] }
        phase = .closed
        return [.closeTarget, .closeClient]
    }

    /// Both directions have ended: the WebSocket closes (1000), or with
    /// `sluice.v2` waits for the next connection.
    private mutating func bothEnded() -> [Action] {
        guard reuse else { return finish(CloseFrame(code: CloseFrame.normal)) }
        guard !draining else { return finish(CloseFrame(code: CloseFrame.goingAway, reason: "the agent is shutting down")) }
        phase = .idle
        return [.releaseTarget]
    }

    private mutating func fail(_ code: UInt16, _ reason: String) -> [Action] {
        finish(CloseFrame(code: code, reason: reason))
    }

    /// Sends our close frame once; the target goes with it.
    private mutating func finish(_ frame: CloseFrame) -> [Action] {
        guard closeSent == nil else { return [] }
        closeSent = frame
        if closeReceived {
            phase = .closed
            return [.sendClose(frame), .closeTarget, .closeClient]
        }
        phase = .closing
        return [.sendClose(frame), .closeTarget]
    }
}
