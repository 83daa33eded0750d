import Foundation

/// A server reachable through jump hosts: private sshds on 127.0.0.1 (the
/// first jump host), 127.0.0.2 and 127.0.0.3, each jump host allowed to
/// open connections only to the next (PermitOpen), and logging them, so a
/// test can show the traffic went through it. The client HOME holds one
/// key that every server accepts, and trusts every host key unless told.
public final class SSHChain: @unchecked Sendable {
    /// First host first; the last is the server the forwards run on.
    public let hosts: [SSHServer]
    public let home: ClientHome

    public var target: SSHServer { hosts[hosts.count - 1] }
    public var jumpHosts: [SSHServer] { Array(hosts.dropLast()) }

    /// `jumps` jump hosts in front of the server. `firstJumpConfig`
    /// replaces the PermitOpen line of the first jump host when given.
    public init(jumps: Int = 1, knowsHosts: Bool = true, firstJumpConfig: [String]? = nil) throws {
        // Started last to first: each jump host's PermitOpen names the next.
        var started: [SSHServer] = [try SSHServer(address: "127.0.0.\(jumps + 1)")]
        for index in stride(from: jumps - 1, through: 0, by: -1) {
            let next = started[0]
            let permit = index == 0 && firstJumpConfig != nil ? firstJumpConfig! : ["PermitOpen \(next.address):\(next.port)"]
            started.insert(try SSHServer(address: "127.0.0.\(index + 1)", extraConfig: ["LogLevel DEBUG1"] + permit), at: 0)
        }
        hosts = started
        home = try ClientHome(trusting: hosts[0], knowsHost: false)
        for host in hosts.dropFirst() { try host.authorize(publicKeyFile: hosts[0].userKeyPath + ".pub") }
        if knowsHosts { try trust(hosts) }
    }

    /// Adds these hosts' keys to the client's known_hosts.
    public func trust(_ servers: [SSHServer]) throws {
        let lines = servers.map(\.knownHostsLine).joined(separator: "\n") + "\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: home.knownHostsPath))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(lines.utf8))
    }

    /// `root@127.0.0.1:PORT`, as `-J` takes a host.
    public func destination(_ server: SSHServer) -> String {
        "\(CurrentUser.name)@\(server.address):\(server.port)"
    }

    /// The jump chain as `-J` takes it.
    public var chain: String { jumpHosts.map(destination).joined(separator: ",") }

    /// True when `jump`'s log shows it opened a connection to `next`.
    public func relayed(_ jump: SSHServer, to next: SSHServer) -> Bool {
        jump.log.contains("target \(next.address) port \(next.port)")
    }

    public var logs: String {
        hosts.map { "\n\($0.address) log:\n\($0.log.suffix(1500))" }.joined()
    }
}
