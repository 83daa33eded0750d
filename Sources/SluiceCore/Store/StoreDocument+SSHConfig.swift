/// What importing one ssh config host did.
public enum SSHImportOutcome: Sendable, Equatable {
    case added(server: String, forwards: Int)
    case updated(server: String, newForwards: Int)
    case unchanged(server: String)
    case skipped(alias: String, reason: String)
}

extension StoreDocument {
    /// Adds each host of `config` (or just `hosts`) as a server named by its
    /// alias, with its forwards, reached as `destination` says. A server
    /// saved before keeps its settings and gains only forwards it does not
    /// have, so importing twice changes nothing.
    public mutating func importSSHConfig(_ config: SSHConfig, hosts: [String] = [], destination: SSHImportDestination) throws(SSHConfigError) -> [SSHImportOutcome] {
        importHosts(config.settings(for: try config.aliases(selecting: hosts)), destination: destination)
    }

    /// Adds each host as `importSSHConfig` does, from settings looked up
    /// before (so the caller can report their problems first). Servers are
    /// found by name through an index, not a scan per host.
    public mutating func importHosts(_ hosts: [SSHHostSettings], destination: SSHImportDestination) -> [SSHImportOutcome] {
        var indexByName: [String: Int] = [:]
        for (index, server) in servers.enumerated() where indexByName[server.name] == nil { indexByName[server.name] = index }
        return hosts.map { importHost($0, destination: destination, indexByName: &indexByName) }
    }

    private mutating func importHost(_ settings: SSHHostSettings, destination: SSHImportDestination, indexByName: inout [String: Int]) -> SSHImportOutcome {
        if let problem = NameRule.problem(with: settings.alias) {
            return .skipped(alias: settings.alias, reason: "not usable as a server name: \(problem)")
        }
        guard let index = indexByName[settings.alias] else {
            var server: Server
            do {
                server = try Self.server(from: settings, destination: destination)
            } catch {
                return .skipped(alias: settings.alias, reason: error.reason)
            }
            let added = server.addMissingForwards(settings.forwards)
            indexByName[server.name] = servers.count
            servers.append(server)
            return .added(server: server.name, forwards: added)
        }
        // An ssh config's forwards are SSH forwards: an agent server of
        // that name cannot take them (and its store would not load).
        guard !servers[index].address.isAgent else {
            return .skipped(alias: settings.alias, reason: "a saved server of that name is an agent server, reached over WebSocket, not SSH")
        }
        let added = servers[index].addMissingForwards(settings.forwards)
        return added == 0 ? .unchanged(server: settings.alias) : .updated(server: settings.alias, newForwards: added)
    }
}

extension StoreDocument {
    /// Why a host cannot be imported, in the config's own words.
    struct UnusableHost: Error {
        var reason: String
    }

    /// The server ssh would connect to for `settings`, after the checks
    /// every saved server passes. A value ssh itself might take but Sluice
    /// refuses (a HostName with a '$', a ProxyJump starting with '-') is
    /// named with its keyword, so the user can find the line. The values
    /// are checked even when only the alias is kept: the engine reads them
    /// from the config at connect time and would refuse them there.
    static func server(from settings: SSHHostSettings, destination: SSHImportDestination) throws(UnusableHost) -> Server {
        if let problem = HostRule.problem(with: settings.hostName ?? settings.alias) {
            let what = settings.hostName.map { "its HostName '\(TerminalText.echo($0))'" } ?? "its alias, used as the host name,"
            throw UnusableHost(reason: "\(what) \(problem)")
        }
        if let user = settings.user, let problem = UserNameRule.problem(with: user) {
            throw UnusableHost(reason: "its User '\(TerminalText.echo(user))' \(problem)")
        }
        if let path = settings.identityFile, let problem = Server.identityFileProblem(path) {
            throw UnusableHost(reason: "its IdentityFile '\(TerminalText.echo(path))' \(problem)")
        }
        var jumpHost: String?
        if let proxyJump = settings.proxyJump {
            do {
                jumpHost = try JumpChain(parsing: proxyJump)?.description
            } catch {
                guard case let .invalidJump(_, problem) = error else { throw UnusableHost(reason: error.description) }
                throw UnusableHost(reason: "its ProxyJump '\(TerminalText.echo(proxyJump))': \(problem)")
            }
        }
        let server: Server
        switch destination {
        case .alias:
            if let problem = HostRule.problem(with: settings.alias) {
                throw UnusableHost(reason: "its alias, which Sluice would save to look up in the ssh config, \(problem); import it with --resolve to save its address instead")
            }
            server = Server(name: settings.alias, destination: Destination(user: nil, host: settings.alias, port: nil))
        case .resolved:
            server = Server(name: settings.alias, destination: settings.destination, identityFile: settings.identityFile, jumpHost: jumpHost)
        }
        do {
            try server.validate()
        } catch {
            throw UnusableHost(reason: error.description)
        }
        return server
    }
}

extension Server {
    /// Adds the specs no forward here has yet, enabled, with default names.
    /// Specs and names are kept in sets, and each default name's next free
    /// suffix remembered, so that 100,000 forwards take no longer than
    /// 100,000 steps.
    mutating func addMissingForwards(_ specs: [ForwardSpec]) -> Int {
        guard !specs.isEmpty else { return 0 }
        var known = Set(forwards.map(\.spec))
        var taken = Set(forwards.map(\.name))
        known.reserveCapacity(forwards.count + specs.count)
        taken.reserveCapacity(forwards.count + specs.count)
        var nextSuffix: [String: Int] = [:]
        var added = 0
        for spec in specs where known.insert(spec).inserted {
            let base = spec.defaultName
            var name = base
            if taken.contains(base) {
                var suffix = nextSuffix[base] ?? 2
                while taken.contains("\(base)-\(suffix)") { suffix += 1 }
                name = "\(base)-\(suffix)"
                nextSuffix[base] = suffix + 1
            }
            taken.insert(name)
            forwards.append(Forward(name: name, spec: spec, enabled: true))
            added += 1
        }
        return added
    }
}
