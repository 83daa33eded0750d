import SluiceCore

/// Why a server could not be reached or used, in words a user can act on.
public indirect enum SessionError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotResolve(host: String, reason: String)
    case cannotConnect(host: String, port: Int, reason: String)
    case timedOut(host: String, port: Int, seconds: Int)
    case hostKeyUnknown(host: String, keyType: String, fingerprint: String, knownHosts: String)
    case hostKeyChanged(host: String, keyType: String, fingerprint: String, knownHosts: String, line: Int?)
    case hostKeyRejected(host: String)
    case authenticationFailed(user: String, host: String, tried: [String])
    case keyUnusable(path: String, reason: String)
    case forwardRefused(String)
    /// The ssh config (or a jump host setting) cannot be used as written.
    case badConfig(String)
    /// What went wrong on the way, at the jump host the user calls `hop`.
    case atJumpHost(String, SessionError)
    case linkLost(String)
    case protocolError(String)

    /// True for problems that trying again cannot fix without the user:
    /// the session then waits instead of knocking again and again (which
    /// could also lock an account).
    public var needsUser: Bool {
        switch self {
        case .hostKeyUnknown, .hostKeyChanged, .hostKeyRejected, .authenticationFailed, .keyUnusable, .badConfig: return true
        case .atJumpHost(_, let error): return error.needsUser
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .cannotResolve(host, reason):
            return "cannot find the host \(host): \(reason); check the name and your network"
        case let .cannotConnect(host, port, reason):
            return "cannot connect to \(host) port \(port): \(reason)"
        case let .timedOut(host, port, seconds):
            return "no answer from \(host) port \(port) within \(seconds) s; is the host up and the port right?"
        case let .hostKeyUnknown(host, keyType, fingerprint, knownHosts):
            return "the host key of \(host) is not known yet (\(keyType) \(fingerprint)). "
                + "Check the fingerprint with the server's admin, then run sluice in a terminal to accept it, "
                + "or add it to \(knownHosts) (e.g. with: ssh-keyscan \(Self.keyscanArguments(host)) >> \(knownHosts))"
        case let .hostKeyChanged(host, keyType, fingerprint, knownHosts, line):
            let place = line.map { "\(knownHosts) line \($0)" } ?? knownHosts
            return "the host key of \(host) has CHANGED (now \(keyType) \(fingerprint)); the one in \(place) no longer matches. "
                + "Someone may be intercepting the connection, or the server was reinstalled. "
                + "If you are sure the change is expected, remove the old key with: ssh-keygen -R '\(host)' -f \(knownHosts)"
        case let .hostKeyRejected(host):
            return "the host key of \(host) was not accepted"
        case let .authenticationFailed(user, host, tried):
            let methods = tried.isEmpty ? "no method the server offers" : tried.joined(separator: "; ")
            return "the server \(host) did not let \(user) in (tried: \(methods)); check the user name and key, or set an identity file"
        case let .keyUnusable(path, reason):
            return "cannot use the key \(path): \(reason)"
        case let .forwardRefused(reason):
            return reason
        case let .badConfig(reason):
            return reason
        case let .atJumpHost(hop, error):
            return "jump host \(hop): \(error)"
        case let .linkLost(reason):
            return "the link was lost: \(reason)"
        case let .protocolError(reason):
            return reason
        }
    }

    /// `[h]:p` as known_hosts writes a host on a port other than 22.
    static func knownHostsName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    private static func keyscanArguments(_ knownHostsName: String) -> String {
        guard knownHostsName.hasPrefix("["), let close = knownHostsName.lastIndex(of: "]") else { return knownHostsName }
        let host = knownHostsName[knownHostsName.index(after: knownHostsName.startIndex)..<close]
        let port = knownHostsName[knownHostsName.index(close, offsetBy: 2)...]
        return "-p \(port) \(host)"
    }
}
