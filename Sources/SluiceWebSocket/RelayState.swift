/// Where one relayed connection stands: the local client's stream toward
/// the agent (up), the agent's stream toward the client (down), and the
/// WebSocket's close. Pure: events in, actions out, tested without sockets.
///
/// docs/agent-protocol.md: with `sluice.v1` an empty binary frame ends one
/// direction and the other goes on, and the WebSocket closes (1000) once
/// both have ended; without it, the local client's end is a close (1000)
/// after the last data, as the platform CLI does. With `sluice.v2` the
/// WebSocket outlives the connection: once both directions have ended
/// cleanly it is released for the next client instead of closed.
struct RelayState: Equatable {
    enum Action: Equatable {
        /// An empty binary frame: the client's FIN, for a `sluice.v1` agent.
        case sendEndOfStream
        /// A close frame after everything already queued.
        case sendClose(code: UInt16, reason: String)
        /// shutdown(SHUT_WR) toward the client once what is queued for it
        /// is written.
        case shutDownLocalOutput
        /// Close the client's connection once what is queued for it is written.
        case closeLocal
        /// Drop the WebSocket's connection now, with no close handshake
        /// (a peer that stopped answering gets none).
        case dropWebSocket
        /// One line for the user about this connection.
        case report(String)
        /// Both directions ended cleanly (`sluice.v2`): the WebSocket is
        /// done with this client and may carry the next.
        case release
    }

    enum Direction: Equatable {
        case open
        case ended
    }

    let halfClose: Bool
    let reusable: Bool
    /// Released for the next client: nothing here concerns it any more.
    private(set) var released = false
    private(set) var up = Direction.open
    private(set) var down = Direction.open
    private(set) var closeSent = false
    private(set) var closeReceived = false
    private(set) var localOpen = true

    init(halfClose: Bool, reusable: Bool = false) {
        self.halfClose = halfClose || reusable
        self.reusable = reusable
    }

    /// Whether bytes from the client may still go to the agent.
    var sendsUp: Bool { up == .open && !closeSent && !released }

    /// Whether bytes from the agent may still go to the client.
    var sendsDown: Bool { down == .open && localOpen && !released }

    /// The client shut down its sending side (EOF).
    mutating func localEnded() -> [Action] {
        guard sendsUp else { return [] }
        up = .ended
        guard halfClose else { return close(code: 1000) }
        return [.sendEndOfStream] + (down == .ended ? bothEnded() : [])
    }

    /// The client's connection is gone (closed or reset): nothing more can
    /// go either way.
    mutating func localClosed() -> [Action] {
        guard localOpen, !released else { return [] }
        localOpen = false
        up = .ended
        down = .ended
        return close(code: 1000)
    }

    /// An empty binary frame: with `sluice.v1`, the agent's FIN; without
    /// it, a frame with no data, which changes nothing.
    mutating func agentEnded() -> [Action] {
        guard halfClose, down == .open, !closeReceived, !released else { return [] }
        down = .ended
        guard localOpen else { return [] }
        return [.shutDownLocalOutput] + (up == .ended ? bothEnded() : [])
    }

    /// The agent's close frame: the stream is over; the client gets what
    /// was already sent, then its connection closes. A close other than
    /// a normal one is told to the user in the agent's words.
    mutating func agentClosed(code: UInt16?, reason: String) -> [Action] {
        guard !closeReceived, !released else { return [] }
        closeReceived = true
        down = .ended
        var actions: [Action] = []
        if let line = Self.problem(code: code, reason: reason) { actions.append(.report(line)) }
        // Echo the agent's code as RFC 6455 asks; codes that must never be
        // sent (none given, 1005, 1006, 1015) are answered with 1000.
        let echo = code.flatMap { Self.isSendable($0) ? $0 : nil } ?? 1000
        actions += close(code: echo)
        if localOpen {
            localOpen = false
            actions.append(.closeLocal)
        }
        return actions
    }

    /// A text frame: not data in this protocol (close 1003).
    mutating func agentSentText() -> [Action] {
        guard !closeReceived, !released else { return [] }
        down = .ended
        var actions: [Action] = [.report("the agent sent a text frame, which is not data in this protocol")]
        actions += close(code: 1003, reason: "text frames are not data")
        if localOpen {
            localOpen = false
            actions.append(.closeLocal)
        }
        return actions
    }

    /// The WebSocket's TCP connection ended. After a close handshake that
    /// is the normal end; before one, the link dropped.
    mutating func webSocketGone() -> [Action] {
        guard !released else { return [] }
        var actions: [Action] = []
        if !closeReceived && !closeSent {
            actions.append(.report("the connection to the agent dropped"))
        }
        closeReceived = true
        closeSent = true
        up = .ended
        down = .ended
        if localOpen {
            localOpen = false
            actions.append(.closeLocal)
        }
        return actions
    }

    /// No answer to a keepalive ping: the agent or the path to it is gone.
    mutating func keepaliveExpired(seconds: Int) -> [Action] {
        guard !closeReceived, !released else { return [] }
        closeReceived = true
        closeSent = true
        up = .ended
        down = .ended
        var actions: [Action] = [.report("no answer from the agent for \(seconds) s; closed the connection"), .dropWebSocket]
        if localOpen {
            localOpen = false
            actions.append(.closeLocal)
        }
        return actions
    }

    /// Both directions ended cleanly: the WebSocket closes (1000), or
    /// with `sluice.v2` is released for the next client.
    private mutating func bothEnded() -> [Action] {
        guard reusable, !closeSent, !closeReceived else { return close(code: 1000) }
        released = true
        return [.release]
    }

    private mutating func close(code: UInt16, reason: String = "") -> [Action] {
        guard !closeSent else { return [] }
        closeSent = true
        return [.sendClose(code: code, reason: reason)]
    }

    /// What a close code means to the user; nil for a normal end.
    static func problem(code: UInt16?, reason: String) -> String? {
        let said = reason.isEmpty ? "" : ": \(reason)"
        switch code {
        case nil, 1000:
            return nil
        case 1001:
            return "the agent is going away (shutting down)\(said)"
        case 1011:
            return reason.isEmpty ? "the agent could not connect to the service" : reason
        case 1008:
            return "the agent refused the stream (a limit or policy)\(said)"
        case 1003:
            return "the agent refused the data\(said)"
        case let code?:
            return "the agent closed the stream with code \(code)\(said)"
        }
    }

    /// RFC 6455 7.4: 1005, 1006 and 1015 are never sent; 1000-2999 are
    /// the protocol's own, 3000-4999 for applications.
    static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }
}
