import SluiceCore

/// One SSH host as Sluice connects to it (a jump host or the server
/// itself): the destination, the store's settings and the ssh config
/// resolved to explicit values, every path absolute and taken from `$HOME`.
/// libssh gets exactly these and reads no config of its own.
struct ResolvedHost: Equatable {
    enum HostKeyPolicy: Equatable {
        /// An unknown key is shown to the user, who decides.
        case ask
        /// An unknown key is saved and used, with a note in the status
        /// (the config's StrictHostKeyChecking accept-new, or no).
        /// A changed key is refused all the same.
        case acceptNew(reason: String)
    }

    /// The host as the user wrote it (an alias or `user@host:port`): what
    /// messages and prompts call it.
    var label: String
    /// The host as written, before HostName (ssh's `%n`).
    var alias: String
    var hostName: String
    var port: Int
    var user: String
    /// Private key files to try, in order, absolute.
    var identityFiles: [String]
    /// Identity files the user named (the store, `--identity`, the
    /// config): a missing one is reported, a missing default is not.
    var namedIdentityFiles: Set<String>
    /// Whether keys from an agent are tried first.
    var usesAgent: Bool
    /// The agent's socket (IdentityAgent); nil: `$SSH_AUTH_SOCK`.
    var agentSocket: String?
    var knownHostsFile: String
    /// `~/.ssh`, with `~` from `$HOME`.
    var sshDirectory: String
    var ciphers: String
    var macs: String?
    var keyExchange: String?
    var hostKeyAlgorithms: String?
    var publicKeyAlgorithms: String?
    var compression: Bool
    var bindAddress: String?
    var connectTimeout: Int
    var hostKeyPolicy: HostKeyPolicy
    var allowsPublicKey: Bool
    var allowsKeyboardInteractive: Bool
    var allowsPassword: Bool

    /// `host` or `[host]:port`, as known_hosts names it.
    var knownHostsName: String {
        SessionError.knownHostsName(host: hostName, port: port)
    }
}
