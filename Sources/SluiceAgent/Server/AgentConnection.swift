/// One accepted TCP connection before its upgrade: what the upgrade check
/// decided, for the HTTP handler to answer when the request is refused,
/// and for the relay to use when it is not. Touched only on the
/// connection's event loop.
final class AgentConnection {
    /// `127.0.0.1:53122`.
    let client: String
    var rejection: Rejection?
    var plan: ForwardPlan?
    /// A stream slot is reserved for this connection (released when it closes).
    var holdsStream = false

    init(client: String) {
        self.client = client
    }
}
