import Foundation

/// OpenSSH's `%` tokens and a leading `~`, expanded the way ssh expands
/// them in IdentityFile, IdentityAgent, UserKnownHostsFile
/// and ProxyCommand, except that `~` and `%d` are `$HOME` (ssh and libssh
/// take them from the passwd entry): so setting HOME isolates everything
/// Sluice reads.
public struct SSHTokens: Sendable, Equatable {
    /// `%d` and `~`.
    public var home: String
    /// `%h`: the host name to connect to (after HostName).
    public var host: String
    /// `%n`: the host as the user wrote it (the alias).
    public var originalHost: String
    /// `%p`
    public var port: Int
    /// `%r`: the user to log in as.
    public var remoteUser: String
    /// `%u`
    public var localUser: String
    /// `%i`
    public var uid: UInt32
    /// `%l`; `%L` is its first label.
    public var localHostName: String

    public init(home: String, host: String, originalHost: String, port: Int, remoteUser: String,
                localUser: String, uid: UInt32, localHostName: String) {
        self.home = home
        self.host = host
        self.originalHost = originalHost
        self.port = port
        self.remoteUser = remoteUser
        self.localUser = localUser
        self.uid = uid
        self.localHostName = localHostName
    }

    /// A `%` token Sluice does not expand (such as `%C`, a hash).
    public struct UnknownToken: Error, Equatable, Sendable {
        public var token: String

        public init(token: String) {
            self.token = token
        }
    }

    /// `text` with a leading `~` or `~/` and every token replaced.
    public func expand(_ text: String) throws(UnknownToken) -> String {
        var source = Substring(text)
        var result = ""
        if source == "~" || source.hasPrefix("~/") {
            result = home
            source = source.dropFirst()
        }
        var iterator = source.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "%": result += "%"
            case "d": result += home
            case "h": result += host
            case "n": result += originalHost
            case "p": result += String(port)
            case "r": result += remoteUser
            case "u": result += localUser
            case "i": result += String(uid)
            case "l": result += localHostName
            case "L": result += String(localHostName.prefix { $0 != "." })
            case let other?: throw UnknownToken(token: "%" + String(other))
            case nil: throw UnknownToken(token: "%")
            }
        }
        return result
    }
}
