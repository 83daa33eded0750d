import SluiceCore

/// Why the agent cannot start, in words that say what to do.
public enum AgentError: Error, Equatable, Sendable, CustomStringConvertible {
    case listenAddress(text: String, problem: String)
    case tokenFile(path: String, reason: String)
    /// A listener others can reach, with nothing to keep them out.
    case noTokenBeyondLoopback(address: String)
    case tls(path: String, reason: String)
    case tlsHalf
    case cannotListen(address: String, reason: String)

    public var description: String {
        switch self {
        case let .listenAddress(text, problem):
            return "--listen \(TerminalText.echo(text)): \(problem) (write ADDRESS:PORT, e.g. 127.0.0.1:9090 or [::1]:9090)"
        case let .tokenFile(path, reason):
            return "cannot use the token file \(TerminalText.path(path)): \(reason)"
        case let .noTokenBeyondLoopback(address):
            return "listening on \(address) would let anyone who can reach it connect to every service in the services file. "
                + "Give a token with --token-file FILE (clients send Authorization: Bearer TOKEN), listen on 127.0.0.1, "
                + "or pass --insecure-no-auth if something else keeps strangers out."
        case let .tls(path, reason):
            return "cannot use \(TerminalText.path(path)) for TLS: \(reason)"
        case .tlsHalf:
            return "--tls-cert and --tls-key go together: give both (PEM files) or neither"
        case let .cannotListen(address, reason):
            return "cannot listen on \(address): \(reason)"
        }
    }
}
