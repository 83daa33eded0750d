import Foundation
import SluiceTestSupport
import Testing

/// Agent servers saved in the store and run by the engine beside SSH ones:
/// `sluice up` in front of a real `sluice agent`, a fake control plane for
/// projects, and `status`, `connections` and the store followed, as a
/// user would drive them.
@Suite struct AgentServerTests: TemporaryHomeSuite {
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-agent-server")
    }

    /// `sluice up` for the test's store, its stderr in the test's HOME.
    func up() throws -> ChildProcess {
        let up = try ChildProcess(SluiceBinary.path, ["up"], environment: environment, stderr: home.file("up.stderr"))
        ServerRecord.note(pid: up.pid, marker: home.path)
        return up
    }

    var upLog: String { (try? home.read("up.stderr")) ?? "" }

    func stop(_ up: ChildProcess) {
        up.signal(SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(upLog)")
    }

    /// `sluice status` once `condition` holds for it, or the last one seen.
    func status(until condition: (String) -> Bool, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = try SluiceBinary.run(["status"], environment: environment).stdout
            if condition(last) { return last }
            usleep(100_000)
        } while Date() < deadline
        return last
    }

    static func waitUntilFree(_ port: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !LoopbackPort.isFree(port) {
            if Date() >= deadline { return false }
            usleep(50_000)
        }
        return true
    }

    @Test func upCarriesASavedAgentServerAndStatusNamesTheAgent() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        try sluice("server", "add", "node1", "ws://127.0.0.1:\(agent.port)")
        try sluice("add", "node1", "-L", "\(local):my-app/db:\(echo.port)", "--name", "db")
        let list = try sluice("list").stdout
        #expect(list.contains("node1  ws://127.0.0.1:\(agent.port)  (agent over WebSocket)"), "\(list)")
        #expect(list.contains("-L \(local):my-app/db:\(echo.port)  127.0.0.1:\(local) -> my-app/db:\(echo.port)"), "\(list)")
        #expect(try home.read(".config/sluice/forwards.json").contains("\"agent\": \"ws://127.0.0.1:\(agent.port)\""))

        let sluiceUp = try up()
        #expect(home.waitUntil("up.stderr", contains: "Forwarding 127.0.0.1:\(local) -> my-app/db:\(echo.port) via node1\n"), "\(upLog)")
        let result = TCPTestClient.echo(port: local, bytes: 8 << 20, seed: 1601)
        #expect(result.exact, "\(result.matched) bytes matched\n\(upLog)\n\(agent.log)")

        let counted = try status { $0.contains("0 open, 1 total, 8.4 MB in, 8.4 MB out") }
        #expect(counted.contains("node1  connected  (via agent 127.0.0.1:\(agent.port))"), "\(counted)")
        #expect(counted.contains("db  listening  127.0.0.1:\(local)  0 open, 1 total, 8.4 MB in, 8.4 MB out"), "\(counted)")

        // A held connection is listed with its client and its service, and
        // a close resets it.
        let held = TCPTestClient.connect(port: local)
        #expect(held >= 0)
        defer { close(held) }
        var listed = ""
        let deadline = Date().addingTimeInterval(10)
        repeat {
            listed = try sluice("connections", "node1/db").stdout
            if listed.contains("relaying") { break }
            usleep(100_000)
        } while Date() < deadline
        #expect(listed.contains("my-app/db:\(echo.port)") && listed.contains("relaying"), "\(listed)")
        let id = listed.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "?"
        try sluice("connections", "node1/db", "--close", id)
        var byte: UInt8 = 0
        #expect(recv(held, &byte, 1, 0) <= 0, "the closed connection still reads")

        // The engine follows the store: switched off, the port is let go.
        try sluice("disable", "node1/db")
        let off = try status { $0.contains("db  off") }
        #expect(off.contains("node1  off"), "\(off)")
        #expect(Self.waitUntilFree(local), "port \(local) is still held after the forward was switched off")
        stop(sluiceUp)
    }

    @Test func aProjectServerFollowsItsProjectToAnotherNode() throws {
        let first = try AgentProcess(services: AgentTests.services())
        let second = try AgentProcess(services: AgentTests.services())
        let controlPlane = try FakeControlPlane(projects: ["my-app=Running:node-1"],
                                                nodes: ["node-1=127.0.0.1:\(first.port)", "node-2=127.0.0.1:\(second.port)"])
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        try sluice("server", "add", "app", "--control-plane", controlPlane.url, "--project", "my-app")
        try sluice("add", "app", "-L", "\(local):db:\(echo.port)")
        #expect(try sluice("list").stdout.contains("app  my-app via \(controlPlane.url)  (agent over WebSocket, found through the control plane)"))

        let sluiceUp = try up()
        #expect(home.waitUntil("up.stderr", contains: "Forwarding 127.0.0.1:\(local) -> db:\(echo.port) via app\n"), "\(upLog)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 1602).exact, "\(upLog)")
        #expect(try status { $0.contains("(via agent 127.0.0.1:\(first.port))") }.contains("app  connected"))

        // The project moves; its old node's agent goes away.
        try controlPlane.override(projects: ["my-app=Running:node-2"])
        #expect(first.stop() == 0)
        let moved = try status(until: { $0.contains("app  connected  (via agent 127.0.0.1:\(second.port))") }, timeout: 40)
        #expect(moved.contains("app  connected  (via agent 127.0.0.1:\(second.port))"), "\(moved)\n\(upLog)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 1603).exact, "\(upLog)\n\(second.log)")
        let asked = controlPlane.requests.map(\.path)
        #expect(asked.filter { $0 == "/api/v1/projects/my-app" }.count >= 2, "\(asked)")
        #expect(asked.contains("/api/v1/nodes/node-2"), "\(asked)")
        stop(sluiceUp)
    }

    @Test func aRefusedTokenFailsTheLinkInWordsAndAPortInUseFailsOnlyItsForward() throws {
        let token = try home.write("agent.token", "the-right-one\n", mode: 0o600)
        let wrong = try home.write("wrong.token", "not-it\n", mode: 0o600)
        let agent = try AgentProcess(services: AgentTests.services(), arguments: ["--token-file", token])
        let echo = try TCPTestServer(mode: .echo)
        let taken = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        try sluice("server", "add", "node1", "ws://127.0.0.1:\(agent.port)", "--token-file", wrong)
        try sluice("add", "node1", "-L", "\(local):my-app/db:\(echo.port)", "--name", "db")

        let sluiceUp = try up()
        let refused = try status { $0.contains("node1  failed") }
        #expect(refused.contains("node1  failed  (via agent 127.0.0.1:\(agent.port)): the agent at 127.0.0.1:\(agent.port) did not accept the token from \(wrong)"),
                "\(refused)")
        #expect(refused.contains("check the token file (sluice server edit node1 --token-file FILE)"), "\(refused)")

        // The file fixed, a retry reads it again.
        _ = try home.write("wrong.token", "the-right-one\n", mode: 0o600)
        try sluice("retry", "node1")
        let retried = try status { $0.contains("node1  connected") }
        #expect(retried.contains("node1  connected"), "\(retried)\n\(upLog)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 1604).exact, "\(upLog)")

        // Pointed at another file in the store: the engine makes a new link
        // with it (a wrong one again here, which fails it as before).
        try sluice("server", "edit", "node1", "--token-file", home.write("other.token", "nope\n", mode: 0o600))
        #expect(try status { $0.contains("node1  failed") }.contains("did not accept the token from \(home.file("other.token"))"))
        try sluice("server", "edit", "node1", "--token-file", token)
        let fixed = try status { $0.contains("node1  connected") }
        #expect(fixed.contains("node1  connected"), "\(fixed)\n\(upLog)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 1605).exact, "\(upLog)")

        // A second forward on a port another process holds fails alone.
        try sluice("add", "node1", "-L", "\(taken.port):my-app/db:\(echo.port)", "--name", "busy")
        let busy = try status { $0.contains("busy  error") }
        #expect(busy.contains("busy  error") && busy.contains("port \(taken.port) is already in use on this machine"), "\(busy)")
        #expect(busy.contains("db    listening"), "\(busy)")
        stop(sluiceUp)
    }

    @Test func upExitsWhenNothingCanComeUpBecauseTheAgentIsUnreachable() throws {
        let closed = try LoopbackPort.free()
        let local = try LoopbackPort.free()
        try sluice("server", "add", "node1", "ws://127.0.0.1:\(closed)")
        try sluice("add", "node1", "-L", "\(local):my-app/db:5432")
        let result = try SluiceBinary.run(["up", "--exit-on-failure"], environment: environment, timeout: 60)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach the agent at 127.0.0.1:\(closed) (saved as server node1's address)"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing could come up; see the reasons above"), "\(result.stderr)")
    }

    @Test func importSSHConfigLeavesAnAgentServerOfTheSameNameAlone() throws {
        try sluice("server", "add", "node1", "ws://127.0.0.1:9090")
        _ = try home.write(".ssh/config", "Host node1\n  HostName 10.0.0.5\n  LocalForward 5432 localhost:5432\n")
        let before = try home.read(".config/sluice/forwards.json")
        let imported = try sluice("import-ssh-config")
        #expect(imported.stderr.contains("a saved server of that name is an agent server"), "\(imported.stdout)\n\(imported.stderr)")
        #expect(try home.read(".config/sluice/forwards.json") == before)
        try sluice("list")
    }
}
