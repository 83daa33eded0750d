/// The three kinds of SSH port forward, named as OpenSSH's flags are.
public enum ForwardKind: String, CaseIterable, Sendable, Hashable {
    /// `-L`: a port on this machine reaches a host:port from the server.
    case local
    /// `-R`: a port on the server reaches a host:port from this machine.
    case reverse
    /// `-D`: a SOCKS proxy on this machine whose connections leave from the server.
    case dynamic

    public var flag: String {
        switch self {
        case .local: return "-L"
        case .reverse: return "-R"
        case .dynamic: return "-D"
        }
    }

    /// The letter used in default forward names and on screen (`L5432`).
    public var letter: String {
        switch self {
        case .local: return "L"
        case .reverse: return "R"
        case .dynamic: return "D"
        }
    }

    /// OpenSSH's syntax for this kind, for messages that say what was expected.
    public var grammar: String {
        switch self {
        case .local: return "-L [bind_address:]port:host:hostport"
        case .reverse: return "-R [bind_address:]port:host:hostport"
        case .dynamic: return "-D [bind_address:]port"
        }
    }

    public init?(flag: String) {
        guard let kind = Self.allCases.first(where: { $0.flag == flag }) else { return nil }
        self = kind
    }
}
