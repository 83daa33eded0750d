import NIOCore

/// What a WebSocket's log lines tell: the connection it carries now (since
/// when, bytes each way) and, with `sluice.v2`, how many it carried before.
/// Each connection gets its line when it ends; the WebSocket none of its
/// own once it has carried one.
struct StreamLedger {
    let client: String
    let route: ForwardRoute
    private var started = NIODeadline.now()
    /// From the client to the service.
    private(set) var bytesIn: UInt64 = 0
    /// From the service to the client.
    private(set) var bytesOut: UInt64 = 0
    private var connectionsEnded = 0
    private var betweenConnections = false

    init(client: String, route: ForwardRoute) {
        self.client = client
        self.route = route
    }

    mutating func carriedIn(_ count: Int) {
        bytesIn += UInt64(count)
    }

    mutating func carriedOut(_ count: Int) {
        bytesOut += UInt64(count)
    }

    /// `sluice.v2`'s `next`: a new connection on the same WebSocket.
    mutating func connectionStarted() {
        betweenConnections = false
        started = .now()
    }

    /// A connection ended and the WebSocket stays: its line.
    mutating func connectionEnded() -> StreamSummary {
        let line = summary(closeCode: nil, problem: nil)
        connectionsEnded += 1
        betweenConnections = true
        bytesIn = 0
        bytesOut = 0
        return line
    }

    /// The WebSocket's end: the line of the connection it carried, if one
    /// had not had its line already (closed between connections, by the
    /// client, at shutdown, or gone silent: nothing is left to tell).
    func closed(closeCode: UInt16?, problem: String?) -> StreamSummary? {
        if betweenConnections && connectionsEnded > 0 { return nil }
        var problem = problem
        if closeCode == nil && problem == nil { problem = "the client went away without a close frame" }
        return summary(closeCode: closeCode, problem: problem)
    }

    private func summary(closeCode: UInt16?, problem: String?) -> StreamSummary {
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        return StreamSummary(client: client, route: route, seconds: seconds, bytesIn: bytesIn, bytesOut: bytesOut,
                             closeCode: closeCode, problem: problem)
    }
}
