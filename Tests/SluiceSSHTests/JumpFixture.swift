import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport

/// An `SSHChain` of private sshds and an engine pointed at its server.
final class JumpFixture: @unchecked Sendable {
    let chain: SSHChain
    let prompter: ScriptedPrompter
    let engine: Engine

    var hosts: [SSHServer] { chain.hosts }
    var target: SSHServer { chain.target }
    var jumpHosts: [SSHServer] { chain.jumpHosts }
    var home: ClientHome { chain.home }

    init(jumps: Int = 1, knowsHosts: Bool = true, jumpConfig: [String]? = nil,
         prompter: ScriptedPrompter = ScriptedPrompter(),
         tuning: LinkTuning = LinkTuning(keepaliveInterval: 15, connectTimeout: 5)) throws {
        chain = try SSHChain(jumps: jumps, knowsHosts: knowsHosts, firstJumpConfig: jumpConfig)
        self.prompter = prompter
        engine = Engine(prompter: prompter, tuning: tuning, home: chain.home.path)
    }

    deinit {
        engine.stopNow()
    }

    func trust(_ servers: [SSHServer]) throws { try chain.trust(servers) }
    func destination(_ server: SSHServer) -> String { chain.destination(server) }
    func relayed(_ jump: SSHServer, to next: SSHServer) -> Bool { chain.relayed(jump, to: next) }

    func server(named name: String = "db", forwards: [Forward]) throws -> Server {
        Server(name: name, destination: try Destination(parsing: destination(target)), jumpHost: chain.chain, forwards: forwards)
    }

    func waitUntil(timeout: TimeInterval = 20, _ condition: ([ServerStatus]) -> Bool) -> Bool {
        engine.waitUntil(timeout: timeout, condition)
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

    var dump: String {
        engine.board.snapshot.map { server in
            "\(server.name): \(server.linkWord()) route=\(server.route ?? "-") \(server.lastError ?? "") \(server.notices)\n" + server.forwards.map {
                "  \($0.name) \($0.stateWord) \($0.listening ?? "-") open=\($0.openConnections) total=\($0.totalConnections) \($0.lastError ?? "")"
            }.joined(separator: "\n")
        }.joined(separator: "\n") + chain.logs
    }
}
