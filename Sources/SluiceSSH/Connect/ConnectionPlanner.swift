import Foundation
import SluiceCore

/// Works out a `ConnectionPlan` from a server's settings and the user's
/// ssh config, as OpenSSH would connect, with Sluice's own rules where
/// they differ: `~` and `%d` are `$HOME`; a jump chain is a chain of
/// sessions Sluice runs itself; a ProxyCommand is run only when the user's
/// own config names it; an unknown host key is asked about unless the
/// config says accept-new (or no), and a changed one is always refused.
struct ConnectionPlanner {
    let settings: SessionSettings
    let config: SSHConfig
    let localUser: String
    let uid: UInt32
    let localHostName: String

    /// The plan for `settings`, reading the ssh config under its home now.
    static func plan(for settings: SessionSettings) throws(SessionError) -> ConnectionPlan {
        let config: SSHConfig
        do {
            config = try SSHConfig(userFile: settings.configPath, systemFile: settings.systemConfigPath, home: settings.home)
        } catch {
            throw .badConfig(error.description)
        }
        let planner = ConnectionPlanner(settings: settings, config: config, localUser: LocalAccount.userName,
                                        uid: getuid(), localHostName: LocalAccount.hostName)
        return try planner.plan()
    }

    func plan() throws(SessionError) -> ConnectionPlan {
        let (target, proxy) = try resolve(settings.destination, identityFile: settings.identityFile)
        // A jump host given to Sluice (the store, --jump) wins over the
        // config's ProxyJump or ProxyCommand, as ssh -J does.
        if let jump = settings.jumpHost {
            let (hops, firstLeg) = try resolveChain(try parseChain(jump, from: "the server's jump host"), depth: 0)
            return ConnectionPlan(hops: hops, target: target, firstLeg: firstLeg)
        }
        switch proxy {
        case nil:
            return ConnectionPlan(hops: [], target: target, firstLeg: .direct)
        case .jump(let jump)?:
            let (hops, firstLeg) = try resolveChain(try parseChain(jump, from: "ProxyJump for \(target.label) in the ssh config"), depth: 0)
            return ConnectionPlan(hops: hops, target: target, firstLeg: firstLeg)
        case let .command(command, location)?:
            return ConnectionPlan(hops: [], target: target, firstLeg: .proxyCommand(try expand(command, for: target, at: location), at: location))
        }
    }

    /// The hops of a chain, first first. Only the first hop's own proxy
    /// setting applies (a ProxyJump there puts its chain in front), as
    /// when ssh -J runs `ssh -W` through each hop in turn.
    private func resolveChain(_ chain: JumpChain, depth: Int) throws(SessionError) -> ([ResolvedHost], ConnectionPlan.FirstLeg) {
        var hops: [ResolvedHost] = []
        var firstLeg = ConnectionPlan.FirstLeg.direct
        for (index, destination) in chain.hops.enumerated() {
            let (hop, proxy) = try resolve(destination, identityFile: nil)
            if index == 0 {
                switch proxy {
                case nil:
                    break
                case .jump(let jump)?:
                    guard depth < JumpChain.maximumHops else {
                        throw .badConfig("the ProxyJump lines in the ssh config lead through more than \(JumpChain.maximumHops) jump hosts (do two hosts jump through each other?)")
                    }
                    (hops, firstLeg) = try resolveChain(try parseChain(jump, from: "ProxyJump for \(hop.label) in the ssh config"), depth: depth + 1)
                case let .command(command, location)?:
                    firstLeg = .proxyCommand(try expand(command, for: hop, at: location), at: location)
                }
            }
            hops.append(hop)
        }
        guard hops.count <= JumpChain.maximumHops else {
            throw .badConfig("the way to \(settings.destination) leads through more than \(JumpChain.maximumHops) jump hosts (a ProxyJump loop in the ssh config?)")
        }
        return (hops, firstLeg)
    }

    private func parseChain(_ text: String, from source: String) throws(SessionError) -> JumpChain {
        do {
            guard let chain = try JumpChain(parsing: text) else { return JumpChain(hops: []) }
            return chain
        } catch {
            throw .badConfig("\(source): \(error.description)")
        }
    }

    /// One host, as the config says to reach it; also its ProxyJump or
    /// ProxyCommand, which only the caller knows whether to use.
    private func resolve(_ destination: Destination, identityFile: String?) throws(SessionError) -> (ResolvedHost, SSHHostSettings.Proxy?) {
        let found = config.settings(for: destination.host)
        let hostName = found.hostName ?? destination.host
        let port = destination.port ?? found.port ?? 22
        let user = destination.user ?? found.user ?? localUser
        let label = destination.description
        try checkHostName(hostName, for: label)
        let tokens = SSHTokens(home: settings.home, host: hostName, originalHost: destination.host, port: port,
                               remoteUser: user, localUser: localUser, uid: uid, localHostName: localHostName)
        func path(_ text: String, _ keyword: String) throws(SessionError) -> String {
            do {
                return try tokens.expand(text)
            } catch {
                throw .badConfig("\(keyword) '\(TerminalText.echo(text))' for \(label) uses \(error.token), which Sluice does not expand; write the path out")
            }
        }
        var named: [String] = []
        if let identityFile { named.append(try path(identityFile, "the identity file")) }
        for file in found.identityFiles { named.append(try path(file, "IdentityFile")) }
        // As ssh does: the default keys only when no key was named.
        let identities = named.isEmpty ? Self.defaultKeyNames.map { settings.sshDirectory + "/" + $0 } : named
        var agentSocket: String?
        var usesAgent = found.identitiesOnly != true
        switch found.identityAgent {
        case nil, "SSH_AUTH_SOCK"?: break
        case "none"?: usesAgent = false
        case let socket?: agentSocket = try path(socket, "IdentityAgent")
        }
        let knownHosts = try found.userKnownHostsFiles.first.map { file throws(SessionError) in try path(file, "UserKnownHostsFile") }
        let host = ResolvedHost(
            label: label,
            alias: destination.host,
            hostName: hostName,
            port: port,
            user: user,
            identityFiles: identities,
            namedIdentityFiles: Set(named),
            usesAgent: usesAgent,
            agentSocket: agentSocket,
            knownHostsFile: knownHosts ?? settings.knownHostsPath,
            sshDirectory: settings.sshDirectory,
            ciphers: found.ciphers.map { AlgorithmList.resolve($0, default: settings.ciphers) } ?? settings.ciphers,
            macs: found.macs.map { AlgorithmList.resolve($0, default: AlgorithmList.defaultMACs) },
            keyExchange: found.kexAlgorithms.map { AlgorithmList.resolve($0, default: AlgorithmList.defaultKeyExchange) },
            hostKeyAlgorithms: found.hostKeyAlgorithms.map { AlgorithmList.resolve($0, default: AlgorithmList.defaultPublicKeyAlgorithms) },
            publicKeyAlgorithms: found.pubkeyAcceptedAlgorithms.map {
                AlgorithmList.resolve($0, default: AlgorithmList.defaultPublicKeyAlgorithms)
            },
            compression: found.compression ?? false,
            bindAddress: found.bindAddress,
            connectTimeout: found.connectTimeout ?? settings.connectTimeout,
            hostKeyPolicy: Self.policy(found.strictHostKeyChecking),
            allowsPublicKey: found.pubkeyAuthentication ?? true,
            allowsKeyboardInteractive: found.kbdInteractiveAuthentication ?? true,
            allowsPassword: found.passwordAuthentication ?? true)
        return (host, found.proxy)
    }

    /// libssh 0.10's key types, newest first (it has no security-key or
    /// DSA support).
    static let defaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"]

    /// Sluice decides: ask, unless the config asks for accept-new (or no,
    /// which Sluice treats as accept-new: a changed key is never accepted).
    static func policy(_ strict: String?) -> ResolvedHost.HostKeyPolicy {
        switch strict {
        case "accept-new"?, "no"?, "off"?:
            return .acceptNew(reason: "StrictHostKeyChecking \(strict!) in the ssh config")
        default:
            return .ask
        }
    }

    /// A HostName from a config becomes a socket address, a known_hosts
    /// name and maybe part of a ProxyCommand: it must be a host name or an
    /// address (HostRule: nothing a shell treats specially), nothing else.
    private func checkHostName(_ hostName: String, for label: String) throws(SessionError) {
        guard HostRule.problem(with: hostName) == nil else {
            throw .badConfig("the ssh config gives \(label) the HostName '\(TerminalText.echo(hostName))', which is not a host name or address")
        }
    }

    /// The user's ProxyCommand with its tokens filled in. The values put
    /// in must not be able to change the command: host and user names are
    /// checked to hold no character a shell treats specially.
    private func expand(_ command: String, for host: ResolvedHost, at location: SSHConfigLocation) throws(SessionError) -> String {
        let safeUser = !host.user.hasPrefix("-") && host.user.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0))
        }
        guard safeUser, HostRule.problem(with: host.alias) == nil else {
            throw .badConfig("\(location): the ProxyCommand for \(host.label) would get a user or host name with characters a shell treats specially; Sluice will not run it")
        }
        let tokens = SSHTokens(home: settings.home, host: host.hostName, originalHost: host.alias, port: host.port,
                               remoteUser: host.user, localUser: localUser, uid: uid, localHostName: localHostName)
        do {
            return try tokens.expand(command)
        } catch {
            throw .badConfig("\(location): the ProxyCommand uses \(error.token), which Sluice does not expand")
        }
    }
}
