import SluiceCore

/// What the user's ssh config makes of saved destinations, for `sluice
/// list` to show beside them: a server saved as the alias `db` connects to
/// whatever `~/.ssh/config` says `db` is at that moment.
enum SSHConfigResolution {
    /// For each server, where the config sends it, as the engine would
    /// connect (`root@127.0.0.1:45329 via bastion`), or nil when the config
    /// changes nothing. A config that cannot be read is said once, and
    /// every destination is shown as saved.
    static func describe(_ servers: [Server], home: String = HomeDirectory.path()) -> [String?] {
        let config: SSHConfig
        do {
            config = try SSHConfig(userFile: home + "/.ssh/config", home: home)
        } catch {
            Console.warn("\(error.description); destinations are shown as saved, not as the ssh config would resolve them.")
            return servers.map { _ in nil }
        }
        // One pass over the config for all SSH servers, as import does.
        let ssh = servers.compactMap(\.destination)
        var found = config.settings(for: ssh.map(\.host)).makeIterator()
        return servers.map { server -> String? in
            guard let saved = server.destination, let settings = found.next() else { return nil }
            var text = Destination(user: saved.user ?? settings.user, host: settings.hostName ?? saved.host, port: saved.port ?? settings.port).description
            // A jump host saved with the server wins over the config's, as ssh -J does.
            if server.jumpHost == nil {
                switch settings.proxy {
                case .jump(let chain)?: text += " via \(chain)"
                case .command?: text += " via its ProxyCommand"
                case nil: break
                }
            }
            return text == saved.description ? nil : text
        }
    }
}
