import SluiceCore

/// How to reach one server: the jump hosts to pass through, first first,
/// and how the first connection is made. Worked out anew for every
/// connect, so edits to `~/.ssh/config` apply at the next reconnect.
struct ConnectionPlan: Equatable {
    enum FirstLeg: Equatable {
        /// A TCP connection to the first host.
        case direct
        /// The user's own ProxyCommand from their ssh config, tokens
        /// expanded, and where it is written.
        case proxyCommand(String, at: SSHConfigLocation)
    }

    var hops: [ResolvedHost]
    var target: ResolvedHost
    var firstLeg: FirstLeg

    /// The first host a connection is made to.
    var firstHost: ResolvedHost { hops.first ?? target }

    /// "via bastion", "via a, b", "via ProxyCommand": how the status shows
    /// the route; nil for a direct connection.
    var route: String? {
        var steps = hops.map(\.label)
        if case .proxyCommand = firstLeg { steps.insert("ProxyCommand", at: 0) }
        return steps.isEmpty ? nil : "via " + steps.joined(separator: ", ")
    }
}
