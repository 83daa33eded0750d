/// How `sluice agent` was asked to run, checked by the command already.
public struct AgentOptions: Sendable {
    public var listen: ListenAddress
    public var servicesPath: String
    public var tokenPath: String?
    /// Listen beyond loopback without a token: the user says something
    /// else keeps strangers out.
    public var insecureNoAuth: Bool
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Streams open at once; a request past it gets 503.
    public var maxConnections: Int
    /// Seconds of silence before a client is pinged, and again before it
    /// is dropped; 0 turns pings off.
    public var keepalive: Double
    /// Seconds streams may take to finish on their own after SIGINT or
    /// SIGTERM, before they are closed with 1001.
    public var drain: Double
    /// Seconds a service may take to accept a connection.
    public var connectTimeout: Double = 10
    /// Seconds a client may take to send its whole request.
    public var requestTimeout: Double = 10
    /// The protocol's largest frame (docs/agent-protocol.md).
    public var maxFrameSize: Int = 1 << 20

    public init(listen: ListenAddress, servicesPath: String, tokenPath: String?, insecureNoAuth: Bool,
                tlsCertificatePath: String?, tlsKeyPath: String?, maxConnections: Int, keepalive: Double, drain: Double) {
        self.listen = listen
        self.servicesPath = servicesPath
        self.tokenPath = tokenPath
        self.insecureNoAuth = insecureNoAuth
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.maxConnections = maxConnections
        self.keepalive = keepalive
        self.drain = drain
    }
}
