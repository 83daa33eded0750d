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

    /// The route for a narrow table: a loopback listening address goes
    /// without its host (the K column marks every other one), so
    /// `5432 -> localhost:5432` fits where `127.0.0.1:5432 -> ...` is cut.
    var compactRoute: String {
        let listen = forward.spec.listen
        guard listen.isLoopback else { return route }
        var port = String(listen.port)
        if forward.kind == .reverse, listen.port == 0 {
            port = status?.listening.flatMap { $0.split(separator: ":").last.map(String.init) } ?? "(server picks)"
        }
        switch forward.kind {
        case .local: return "\(port) -> \(forward.spec.targetAddress)"
        case .dynamic: return "SOCKS5 on \(port)"
        case .reverse: return "server \(port) -> \(forward.spec.targetAddress)"
        }
    }

    /// What a client is pointed at: `127.0.0.1:5432`, for -D
    /// `socks5h://127.0.0.1:1080`, for -R the address on the server. A
    /// listener on every interface is reached here through loopback.
    var addressToUse: String {
        if forward.kind == .reverse { return status?.listening ?? forward.spec.listen.displayAddress }
        let listen = forward.spec.listen
        let host: String
        switch listen.bindAddress {
        case "0.0.0.0": host = "127.0.0.1"
        case "::": host = "[::1]"
        default: host = listen.displayHost
        }
        let address = "\(host):\(listen.port)"
        return forward.kind == .dynamic ? "socks5h://\(address)" : address
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
