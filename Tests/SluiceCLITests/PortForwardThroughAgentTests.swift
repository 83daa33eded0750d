import Foundation
import SluiceTestSupport
import Testing

/// Both ends of Sluice's agent transport together: `sluice port-forward`
/// in front of `sluice agent` (each is also tested alone against Python's
/// `websockets`, in PortForwardTests and AgentTests).
@Suite struct PortForwardThroughAgentTests {
    let logs: TemporaryDirectory

    init() throws {
        logs = try TemporaryDirectory(prefix: "sluice-port-forward-agent")
    }

    func forward(_ service: String, remote: Int, agent: AgentProcess, extra: [String] = [], name: String = "sluice") throws -> (ChildProcess, Int) {
        let local = try LoopbackPort.free()
        let sluice = try ChildProcess(SluiceBinary.path, ["port-forward", service, "\(local):\(remote)", "--node", "127.0.0.1:\(agent.port)"] + extra,
                                      environment: ["HOME": logs.path], stderr: logs.file("\(name).stderr"))
        #expect(logs.waitUntil("\(name).stderr", contains: "Forwarding 127.0.0.1:\(local) -> \(service):\(remote)\n"), "\(stderr(name))")
        return (sluice, local)
    }

    func stderr(_ name: String = "sluice") -> String { (try? logs.read("\(name).stderr")) ?? "" }

    func stop(_ sluice: ChildProcess, name: String = "sluice") {
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr(name))")
    }

    @Test func sixtyFourMiBEachWayAndTwoHundredConnectionsAreByteExact() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward("my-app/db", remote: echo.port, agent: agent)

        let big = TCPTestClient.echo(port: local, bytes: 64 << 20, seed: 1414, timeout: 300)
        #expect(big.exact, "\(big.matched) bytes matched\n\(stderr())\n\(agent.log)")

        let inexact = TCPTestClient.echoAtOnce(port: local, count: 200, bytes: 128 * 1024, seed: 500)
        #expect(inexact.isEmpty, "connections not byte-exact: \(inexact)\n\(stderr())\n\(agent.log)")
        stop(sluice)
    }

    @Test func theClientsEOFReachesTheServiceAndItsAnswerComesBack() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let report = try TCPTestServer(mode: .report)
        let (sluice, local) = try forward("my-app/db", remote: report.port, agent: agent)
        let (answer, expected) = TCPTestClient.sendThenReadReport(port: local, bytes: 2 << 20, seed: 1415)
        #expect(answer == expected, "\(stderr())\n\(agent.log)")
        stop(sluice)
    }

    /// sluice.v2 between the two ends: connections one after another,
    /// each with its own EOF and answer, ride a few WebSockets, not one each.
    @Test func connectionsOneAfterAnotherReuseTheirWebSockets() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let report = try TCPTestServer(mode: .report)
        let (sluice, local) = try forward("my-app/db", remote: report.port, agent: agent)
        let connections = 40
        for index in 0..<connections {
            let (answer, expected) = TCPTestClient.sendThenReadReport(port: local, bytes: 10_000 + index, seed: UInt64(1500 + index))
            #expect(answer == expected, "connection \(index)\n\(stderr())\n\(agent.log)")
        }
        // The agent's line per connection names the WebSocket's client port.
        var carried: [Substring] = []
        let deadline = Date().addingTimeInterval(20)
        repeat {
            carried = agent.log.split(separator: "\n").filter { $0.contains(" closed after ") && !$0.contains(" 0 B in") }
            if carried.count < connections { usleep(50_000) }
        } while carried.count < connections && Date() < deadline
        #expect(carried.count == connections, "\(agent.log)")
        let webSockets = Set(carried.map { $0.split(separator: " ")[1] })
        // Without reuse each connection has its own; with it, a few carry
        // them all, but a machine under load may see the pool replace a
        // WebSocket that took over a second to come back.
        #expect(webSockets.count < connections / 2, "\(webSockets.count) WebSockets for \(connections) connections\n\(agent.log)")
        stop(sluice)
    }

    /// Port probes (a connect and a close, no data) end both ways like any
    /// connection, so they too leave their WebSocket for the next.
    @Test func portProbesDoNotUseUpWebSockets() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward("my-app/db", remote: echo.port, agent: agent)
        let probes = 20
        for _ in 0..<probes {
            let fd = TCPTestClient.connect(port: local)
            try #require(fd >= 0)
            close(fd)
            usleep(20_000)
        }
        let after = TCPTestClient.echo(port: local, bytes: 100_000, seed: 1520, timeout: 30)
        #expect(after.exact, "\(after.matched) bytes matched\n\(stderr())\n\(agent.log)")
        var lines: [Substring] = []
        let deadline = Date().addingTimeInterval(20)
        repeat {
            lines = agent.log.split(separator: "\n").filter { $0.contains(" closed after ") }
            if lines.count < probes + 1 { usleep(50_000) }
        } while lines.count < probes + 1 && Date() < deadline
        #expect(lines.count >= probes + 1, "\(agent.log)")
        let webSockets = Set(lines.map { $0.split(separator: " ")[1] })
        // Without reuse there are more than probes (each its own, the last
        // connection's, the pool's first); see the test above for the margin.
        #expect(webSockets.count < probes, "\(webSockets.count) WebSockets for \(probes) probes\n\(agent.log)")
        stop(sluice)
    }

    @Test func theAgentsRefusalsAreSaidByTheClient() throws {
        let token = try logs.write("token", "both-ends\n", mode: 0o600)
        let agent = try AgentProcess(services: AgentTests.services(), arguments: ["--token-file", token])
        let closed = try LoopbackPort.free()

        let (refused, refusedPort) = try forward("my-app/db", remote: closed, agent: agent, extra: ["--token-file", token], name: "refused")
        #expect(TCPTestClient.closedWithoutAnswer(port: refusedPort))
        #expect(logs.waitUntil("refused.stderr", contains: "sluice: my-app/db:\(closed): connection refused by "), "\(stderr("refused"))")
        stop(refused, name: "refused")

        let (pending, pendingPort) = try forward("later/db", remote: 5432, agent: agent, extra: ["--token-file", token], name: "pending")
        #expect(TCPTestClient.closedWithoutAnswer(port: pendingPort))
        #expect(logs.waitUntil("pending.stderr", contains: "sluice: later/db:5432: later is Pending: no container to connect to yet\n"), "\(stderr("pending"))")
        stop(pending, name: "pending")

        let (tokenless, tokenlessPort) = try forward("my-app/db", remote: 5432, agent: agent, name: "tokenless")
        #expect(TCPTestClient.closedWithoutAnswer(port: tokenlessPort))
        #expect(logs.waitUntil("tokenless.stderr", contains: "sluice: my-app/db:5432: the agent at 127.0.0.1:\(agent.port) wants a token: pass --token-file\n"),
                "\(stderr("tokenless"))")
        stop(tokenless, name: "tokenless")
        #expect(agent.stop() == 0, "\(agent.log)")
    }
}
