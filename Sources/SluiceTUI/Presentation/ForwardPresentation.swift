import SluiceCore

/// How one forward reads on screen, from its saved settings and live status.
struct ForwardPresentation {
    let forward: Forward
    let status: ForwardStatus?

    /// Where to point a client, and where it leads. For -R with port 0, the
    /// port the server picked once it is known.
    var route: String {
        if forward.kind == .reverse, forward.spec.listen.port == 0, let listening = status?.listening {
            return "server \(listening) -> \(forward.spec.targetAddress)"
        }
        return forward.spec.route
    }

    var state: ForwardStatus.State {
        status?.state ?? (forward.enabled ? .starting : .off)
    }

    var stateWord: String {
        status?.stateWord ?? (forward.enabled ? "starting" : "off")
    }

    var stateRole: StyleRole {
        switch state {
        case .off: return .muted
        case .starting: return .warning
        case .up: return status?.acceptPause == nil ? .ok : .warning
        case .failed: return .error
        }
    }

    /// One line under the table: the problem if there is one, else how to use it.
    var guidance: (text: String, role: StyleRole) {
        if let pause = status?.acceptPause {
            let text = "\(pause)"
            return (text.prefix(1).uppercased() + text.dropFirst() + "; new clients wait until some close.", .warning)
        }
        if let error = status?.lastError, state != .up || status?.openConnections == 0 {
            return ("Last error: \(error)", .error)
        }
        if let warning = forward.spec.exposureWarning { return ("Note: \(forward.kind.flag) \(warning)", .warning) }
        let listening = status?.listening ?? forward.spec.listen.displayAddress
        switch (forward.kind, state) {
        case (_, .off): return ("Switched off: Space switches it on.", .muted)
        case (.local, _): return ("Connect to \(listening) to reach \(forward.spec.targetAddress) through the server.", .muted)
        case (.dynamic, _): return ("Point a SOCKS5 client at \(listening); connections leave from the server.", .muted)
        case (.reverse, _): return ("Connections to \(listening) on the server reach \(forward.spec.targetAddress) here.", .muted)
        }
    }
}
