import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport

/// A real sshd, a client HOME that trusts it, and an engine pointed at it.
final class EngineFixture: @unchecked Sendable {
    let sshd: SSHServer
    let home: ClientHome
    let prompter: ScriptedPrompter
    let engine: Engine

    init(tuning: LinkTuning = LinkTuning(keepaliveInterval: 15, connectTimeout: 5), knowsHost: Bool = true,
         sshdConfig: [String] = [], prompter: ScriptedPrompter = ScriptedPrompter()) throws {
        sshd = try SSHServer(extraConfig: sshdConfig)
        home = try ClientHome(trusting: sshd, knowsHost: knowsHost)
        self.prompter = prompter
        engine = Engine(prompter: prompter, tuning: tuning, home: home.path)
    }

    deinit {
        engine.stopNow()
    }

    func server(named name: String = "test", forwards: [Forward]) -> Server {
        Server(name: name, destination: Destination(user: CurrentUser.name, host: "127.0.0.1", port: sshd.port), forwards: forwards)
    }

    /// Brings up one forward on server "test" and waits until it is up.
    @discardableResult
    func bringUp(_ name: String, _ flagged: String) throws -> Bool {
        engine.apply([server(forwards: [try Self.forward(name, flagged)])])
        return waitForState("test", name, .up)
    }

    static func forward(_ name: String, _ flagged: String, enabled: Bool = true) throws -> Forward {
        Forward(name: name, spec: try ForwardSpec(parsingFlagged: flagged), enabled: enabled)
    }

    /// Waits until `condition` holds for the board's snapshot; false on timeout.
    @discardableResult
    func waitUntil(timeout: TimeInterval = 15, _ condition: ([ServerStatus]) -> Bool) -> Bool {
        engine.waitUntil(timeout: timeout, condition)
    }

    func status(_ server: String = "test", _ forward: String) -> ForwardStatus? {
        engine.board.server(named: server)?.forward(named: forward)
    }

    func waitForState(_ server: String = "test", _ forward: String, _ state: ForwardStatus.State, timeout: TimeInterval = 15) -> Bool {
        waitUntil(timeout: timeout) { servers in
            servers.first { $0.name == server }?.forward(named: forward)?.state == state
        }
    }

    /// A short description of everything, for failure messages.
    var dump: String {
        engine.board.snapshot.map { server in
            "\(server.name): \(server.linkWord()) \(server.lastError ?? "")\n" + server.forwards.map {
                "  \($0.name) \($0.stateWord) \($0.listening ?? "-") open=\($0.openConnections) total=\($0.totalConnections) out=\($0.bytesOut) in=\($0.bytesIn) \($0.lastError ?? "")"
            }.joined(separator: "\n")
        }.joined(separator: "\n") + "\nsshd log:\n" + sshd.log.suffix(2000)
    }
}
