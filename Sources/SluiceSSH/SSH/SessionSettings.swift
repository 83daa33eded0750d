import Foundation
import SluiceCore

/// Everything needed to open one server's SSH session.
public struct SessionSettings: Sendable, Equatable {
    public var serverName: String
    public var destination: Destination
    public var identityFile: String?
    public var jumpHost: String?
    /// The user's home: `~/.ssh` (config, known_hosts, keys) is taken from here.
    public var home: String
    public var connectTimeout: Int
    /// Cipher preference, fastest first on this hardware; the user's ssh
    /// config `Ciphers` line replaces it.
    public var ciphers = "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes256-ctr"

    public init(serverName: String, destination: Destination, identityFile: String? = nil, jumpHost: String? = nil,
                home: String = HomeDirectory.path(), connectTimeout: Int = 15) {
        self.serverName = serverName
        self.destination = destination
        self.identityFile = identityFile
        self.jumpHost = jumpHost
        self.home = home
        self.connectTimeout = connectTimeout
    }

    /// Nil for an agent server, which has no SSH session.
    public init?(server: Server, home: String = HomeDirectory.path(), connectTimeout: Int = 15) {
        guard let destination = server.destination else { return nil }
        self.init(serverName: server.name, destination: destination, identityFile: server.identityFile,
                  jumpHost: server.jumpHost, home: home, connectTimeout: connectTimeout)
    }

    /// The system's ssh config, read after the user's.
    public var systemConfigPath = "/etc/ssh/ssh_config"

    var sshDirectory: String { home + "/.ssh" }
    var knownHostsPath: String { sshDirectory + "/known_hosts" }
    var configPath: String { sshDirectory + "/config" }
}
