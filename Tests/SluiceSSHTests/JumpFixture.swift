import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport

/// A server reachable through jump hosts: private sshds on 127.0.0.1
/// (the first jump host), 127.0.0.2 and 127.0.0.3, each jump host allowed
/// to open connections only to the next (PermitOpen), and logging them, so
/// a test can show the traffic went through it. The client HOME trusts
/// every host key and holds one key that every server accepts.
final class JumpFixture: @unchecked Sendable {
    /// First host first; the last is the server the forwards run on.
    let hosts: [SSHServer]
    let home: ClientHome
    let prompter: ScriptedPrompter
    let engine: Engine

    var target: SSHServer { hosts[hosts.count - 1] }
    var jumpHosts: [SSHServer] { Array(hosts.dropLast()) }

    /// `jumps` jump hosts in front of the server. `jumpConfig` replaces
    /// the PermitOpen line of the first jump host when given.
    init(jumps: Int = 1, knowsHosts: Bool = true, jumpConfig: [String]? = nil,
         prompter: ScriptedPrompter = ScriptedPrompter(),
         tuning: LinkTuning = LinkTuning(keepaliveInterval: 15, connectTimeout: 5)) throws {
        // Started last to first: each jump host's PermitOpen names the next.
        var started: [SSHServer] = [try SSHServer(address: "127.0.0.\(jumps + 1)")]
        for index in stride(from: jumps - 1, through: 0, by: -1) {
            let next = started[0]
            let permit = index == 0 && jumpConfig != nil ? jumpConfig! : ["PermitOpen \(next.address):\(next.port)"]
            started.insert(try SSHServer(address: "127.0.0.\(index + 1)", extraConfig: ["LogLevel DEBUG1"] + permit), at: 0)
        }
        hosts = started
        home = try ClientHome(trusting: hosts[0], knowsHost: false)
        self.prompter = prompter
        engine = Engine(prompter: prompter, tuning: tuning, home: home.path)
        for host in hosts.dropFirst() { try host.authorize(publicKeyFile: hosts[0].userKeyPath + ".pub") }
        if knowsHosts { try trust(hosts) }
    }

    deinit {
        engine.stopNow()
    }

    /// Adds these hosts' keys to the client's known_hosts.
    func trust(_ servers: [SSHServer]) throws {
        let lines = servers.map(\.knownHostsLine).joined(separator: "\n") + "\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: home.knownHostsPath))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(lines.utf8))
    }

    /// `root@127.0.0.1:PORT`, as `-J` takes a host.
    func destination(_ server: SSHServer) -> String {
        "\(CurrentUser.name)@\(server.address):\(server.port)"
    }

    /// The jump chain as `-J` takes it.
    var chain: String { jumpHosts.map(destination).joined(separator: ",") }

    func server(named name: String = "db", forwards: [Forward]) throws -> Server {
        Server(name: name, destination: try Destination(parsing: destination(target)), jumpHost: chain, forwards: forwards)
    }

    func waitUntil(timeout: TimeInterval = 20, _ condition: ([ServerStatus]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(engine.board.snapshot) { return true }
            usleep(20_000)
        }
        return condition(engine.board.snapshot)
    }

    func status(_ forward: String, server: String = "db") -> ForwardStatus? {
        engine.board.server(named: server)?.forward(named: forward)
    }

    func waitForState(_ forward: String, _ state: ForwardStatus.State, server: String = "db", timeout: TimeInterval = 20) -> Bool {
        waitUntil(timeout: timeout) { _ in status(forward, server: server)?.state == state }
    }

    /// The link's failure once the server gives up (a problem for the user).
    func failure(server: String = "db") -> String? {
        _ = waitUntil { servers in servers.first { $0.name == server }?.link == .failed }
        return engine.board.server(named: server)?.lastError
    }

    /// True when `jump`'s log shows it opened a connection to `next`.
    func relayed(_ jump: SSHServer, to next: SSHServer) -> Bool {
        jump.log.contains("target \(next.address) port \(next.port)")
    }

    var dump: String {
        engine.board.snapshot.map { server in
            "\(server.name): \(server.linkWord()) route=\(server.route ?? "-") \(server.lastError ?? "") \(server.notices)\n" + server.forwards.map {
                "  \($0.name) \($0.stateWord) \($0.listening ?? "-") open=\($0.openConnections) total=\($0.totalConnections) \($0.lastError ?? "")"
            }.joined(separator: "\n")
        }.joined(separator: "\n") + hosts.map { "\n\($0.address) log:\n\($0.log.suffix(1500))" }.joined()
    }
}
