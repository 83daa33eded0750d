/// What importing one ssh config host did.
public enum SSHImportOutcome: Sendable, Equatable {
    case added(server: String, forwards: Int)
    case updated(server: String, newForwards: Int)
    case unchanged(server: String)
    case skipped(alias: String, reason: String)
}

extension StoreDocument {
    /// Adds each host of `config` (or just `hosts`) as a server named by its
    /// alias, with its forwards. A server saved before keeps its settings and
    /// gains only forwards it does not have, so importing twice changes nothing.
    public mutating func importSSHConfig(_ config: SSHConfig, hosts: [String] = []) throws(SSHConfigError) -> [SSHImportOutcome] {
        let aliases = config.aliases
        let unknown = hosts.filter { !aliases.contains($0) }
        if !unknown.isEmpty { throw .unknownHosts(unknown, known: aliases) }
        return (hosts.isEmpty ? aliases : hosts).map { alias in
            importHost(config.settings(for: alias))
        }
    }

    private mutating func importHost(_ settings: SSHHostSettings) -> SSHImportOutcome {
        if let problem = NameRule.problem(with: settings.alias) {
            return .skipped(alias: settings.alias, reason: "not usable as a server name: \(problem)")
        }
        guard let index = servers.firstIndex(where: { $0.name == settings.alias }) else {
            var server: Server
            do {
                server = try Self.server(from: settings)
            } catch {
                return .skipped(alias: settings.alias, reason: error.reason)
            }
            let added = server.addMissingForwards(settings.forwards)
            servers.append(server)
            return .added(server: server.name, forwards: added)
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
    /// named with its keyword, so the user can find the line.
    static func server(from settings: SSHHostSettings) throws(UnusableHost) -> Server {
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
        let server = Server(name: settings.alias, destination: settings.destination, identityFile: settings.identityFile, jumpHost: jumpHost)
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
    mutating func addMissingForwards(_ specs: [ForwardSpec]) -> Int {
        var added = 0
        for spec in specs where !forwards.contains(where: { $0.spec == spec }) {
            forwards.append(Forward(name: unusedName(for: spec), spec: spec, enabled: true))
            added += 1
        }
        return added
    }
}
