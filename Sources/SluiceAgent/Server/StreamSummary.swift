/// One stream as the log tells it when it ends.
public struct StreamSummary: Equatable, Sendable {
    /// The client's address and port: `127.0.0.1:53122`.
    public var client: String
    public var route: ForwardRoute
    public var seconds: Double
    /// From the client to the service.
    public var bytesIn: UInt64
    /// From the service to the client.
    public var bytesOut: UInt64
    /// The close code that ended the WebSocket: ours if we sent one first,
    /// else the client's; nil when the connection went without one.
    public var closeCode: UInt16?
    /// What went wrong, in words, when something did (the 1011 reason, a
    /// client that stopped answering pings); nil for a normal end.
    public var problem: String?

    public init(client: String, route: ForwardRoute, seconds: Double, bytesIn: UInt64, bytesOut: UInt64, closeCode: UInt16?, problem: String?) {
        self.client = client
        self.route = route
        self.seconds = seconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.closeCode = closeCode
        self.problem = problem
    }
}
