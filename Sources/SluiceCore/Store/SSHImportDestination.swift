/// How `import-ssh-config` saves where a host is: by its alias, or by the
/// address the config gives for it today.
public enum SSHImportDestination: Sendable, Equatable {
    /// The alias alone. The engine looks it up in `~/.ssh/config` at every
    /// connect, as `ssh ALIAS` does, so later edits to the config (a new
    /// HostName, Port, User, IdentityFile or ProxyJump) reach Sluice.
    case alias
    /// `user@host:port`, identity file and jump host as the config has them
    /// now: a copy that no later edit of the config changes.
    case resolved
}
