/// How a forward reads to a user: where to point a client, and where its
/// connections end up.
extension ForwardSpec {
    /// E.g. `127.0.0.1:5432 -> localhost:5432`, `SOCKS5 on 127.0.0.1:1080`,
    /// `server 127.0.0.1:8080 -> 127.0.0.1:3000`.
    public var route: String {
        switch kind {
        case .local:
            return "\(listen.displayAddress) -> \(targetAddress)"
        case .dynamic:
            return "SOCKS5 on \(listen.displayAddress)"
        case .reverse:
            let listenSide = listen.port == 0 ? "\(listen.displayHost):(server picks)" : listen.displayAddress
            return "server \(listenSide) -> \(targetAddress)"
        }
    }

    /// A warning when the listening side is open beyond loopback, or nil.
    public var exposureWarning: String? {
        guard !listen.isLoopback else { return nil }
        switch kind {
        case .local, .dynamic:
            return "listens on \(listen.displayAddress), reachable from your network"
        case .reverse:
            return "asks the server to listen on \(listen.displayAddress); the server's GatewayPorts setting decides whether its network can reach it"
        }
    }

    /// Where connections go, e.g. `localhost:5432` or `[::1]:80`; empty for -D.
    public var targetAddress: String {
        guard let target else { return "" }
        return "\(Endpoint.bracketed(target.host ?? "127.0.0.1")):\(target.port)"
    }
}
