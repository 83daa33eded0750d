import Foundation
import SluiceTestSupport
import Testing

/// `sluice port-forward` as a process, in front of a stand-in agent that no
/// one here wrote (Python's `websockets`) and, for resolution, a fake
/// control plane (Python's http.server).
@Suite struct PortForwardTests {
    let logs: TemporaryDirectory

    init() throws {
        logs = try TemporaryDirectory(prefix: "sluice-port-forward")
    }

    func start(_ arguments: [String], name: String = "sluice") throws -> ChildProcess {
        try ChildProcess(SluiceBinary.path, ["port-forward"] + arguments,
                         environment: ["HOME": logs.path, "PATH": "/usr/local/bin:/usr/bin:/bin"],
                         stdout: logs.file("\(name).stdout"), stderr: logs.file("\(name).stderr"))
    }

    func stderr(_ name: String = "sluice") -> String { (try? logs.read("\(name).stderr")) ?? "" }

    func waitForOutput(_ text: String, name: String = "sluice", timeout: TimeInterval = 30) -> Bool {
        logs.waitUntil("\(name).stderr", contains: text, timeout: timeout)
    }

    /// Starts a forward of `service` to `remote` through `agent` on a free
    /// local port, and waits for its line.
    func forward(_ service: String = "my-app/db", remote: Int, agent: String, extra: [String] = [], name: String = "sluice") throws -> (ChildProcess, Int) {
        let local = try LoopbackPort.free()
        let sluice = try start([service, "\(local):\(remote)", "--node", agent] + extra, name: name)
        #expect(waitForOutput("Forwarding 127.0.0.1:\(local) -> ", name: name), "\(stderr(name))")
        return (sluice, local)
    }

    func stop(_ sluice: ChildProcess, name: String = "sluice") {
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr(name))")
    }

    // MARK: Data

    @Test func printsItsLineExactlyAndCarries64MiBEachWayByteExact() throws {
        let agent = try StandInAgent()
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        let sluice = try start(["my-app/db", "\(local):\(echo.port)", "--node", "127.0.0.1:\(agent.port)"])
        #expect(waitForOutput("\n"), "\(stderr())")
        #expect(stderr() == "Forwarding 127.0.0.1:\(local) -> my-app/db:\(echo.port)\n")

        let result = TCPTestClient.echo(port: local, bytes: 64 << 20, seed: 14, timeout: 300)
        #expect(result.exact, "\(result.matched) bytes matched\n\(stderr())\n\(agent.log)")

        // What the agent was asked: the route, sluice.v2 and sluice.v1
        // offered (the stand-in takes v1), no token.
        let request = try #require(agent.requests.last)
        #expect(request.path == "/api/v1/forward/my-app/db/\(echo.port)")
        #expect(request.subprotocols == "sluice.v2, sluice.v1")
        #expect(request.authorization == nil)
        stop(sluice)
    }

    @Test func localPortDefaultsToTheRemoteOne() throws {
        let agent = try StandInAgent()
        let port = try LoopbackPort.free()
        let sluice = try start(["my-app/db", String(port), "--node", "ws://127.0.0.1:\(agent.port)"])
        #expect(waitForOutput("Forwarding 127.0.0.1:\(port) -> my-app/db:\(port)\n"), "\(stderr())")
        stop(sluice)
    }

    @Test func twoHundredConnectionsAtOnceAreEachByteExact() throws {
        let agent = try StandInAgent()
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward(remote: echo.port, agent: "127.0.0.1:\(agent.port)")

        // All open first, then all sending at once.
        let inexact = TCPTestClient.echoAtOnce(port: local, count: 200, bytes: 256 * 1024, seed: 1)
        #expect(inexact.isEmpty, "connections not byte-exact: \(inexact)\n\(stderr())")
        #expect(echo.connectionsAccepted >= 200)
        stop(sluice)
    }

    @Test func aRefusedTargetClosesTheClientSaysWhyAndTheForwardStaysUp() throws {
        let agent = try StandInAgent()
        let target = try LoopbackPort.free()
        let (sluice, local) = try forward(remote: target, agent: "127.0.0.1:\(agent.port)")

        #expect(TCPTestClient.closedWithoutAnswer(port: local))
        #expect(waitForOutput("sluice: my-app/db:\(target): connection refused by localhost:\(target) in my-app/db\n"), "\(stderr())")
        #expect(sluice.isRunning)

        // The next connection, once something listens there, works.
        let echo = try TCPTestServer(mode: .echo, port: target)
        let result = TCPTestClient.echo(port: local, bytes: 100_000, seed: 3)
        #expect(result.exact, "\(result.matched) bytes matched\n\(stderr())")
        _ = echo
        stop(sluice)
    }

    @Test func halfCloseWithSluiceV1TheAnswerComesAfterTheClientsEOF() throws {
        let agent = try StandInAgent()
        let report = try TCPTestServer(mode: .report)
        let (sluice, local) = try forward(remote: report.port, agent: "127.0.0.1:\(agent.port)")
        let (answer, expected) = TCPTestClient.sendThenReadReport(port: local, bytes: 3 << 20, seed: 21)
        #expect(answer == expected, "\(stderr())")
        stop(sluice)
    }

    @Test func withoutSluiceV1TheClientsEOFIsACloseAfterTheLastData() throws {
        let agent = try StandInAgent({ var options = StandInAgent.Options(); options.halfClose = false; return options }())
        let report = try TCPTestServer(mode: .report)
        let (sluice, local) = try forward(remote: report.port, agent: "127.0.0.1:\(agent.port)")
        // The target's answer after the EOF cannot come back (no half-close),
        // but every byte sent before the EOF reaches it, and the client's
        // connection ends.
        let (answer, expected) = TCPTestClient.sendThenReadReport(port: local, bytes: 3 << 20, seed: 22)
        #expect(answer == nil)
        let deadline = Date().addingTimeInterval(20)
        while report.reports.isEmpty && Date() < deadline { usleep(20_000) }
        #expect(report.reports == [expected], "\(stderr())")
        stop(sluice)
    }

    @Test func ctrlCClosesTheListenerAndAnOpenTransferFinishesThenExitZero() throws {
        let agent = try StandInAgent()
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward(remote: echo.port, agent: "127.0.0.1:\(agent.port)")

        let transfer = HalfwayTransfer(port: local, bytes: 8 << 20, seed: 78)
        #expect(transfer.sendFirstHalf())

        sluice.signal(SIGINT)
        #expect(waitForOutput("Closing the listener; letting open connections finish (up to 10 s; Ctrl+C again to close them now).\n"), "\(stderr())")
        #expect(HalfwayTransfer.listenerCloses(port: local, within: 5), "the listener still accepts after Ctrl+C")
        let got = transfer.finish()
        #expect(got == transfer.payload, "received \(got?.count ?? -1) of \(transfer.payload.count) bytes\n\(stderr())")
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr())")
        #expect(stderr().hasSuffix("Stopped.\n"), "\(stderr())")
    }

    @Test func aPortInUseIsSaidAsForSSHForwards() throws {
        let busy = try LoopbackPort.listen()
        defer { close(busy.fd) }
        let sluice = try start(["my-app/db", "\(busy.port):5432", "--node", "127.0.0.1:9"])
        #expect(sluice.wait(timeout: 20) == 1)
        #expect(stderr().hasPrefix("sluice: port \(busy.port) is already in use on this machine (by "), "\(stderr())")
    }

    @Test func wssWithTheAgentsOwnCertificateTrustedByCAFile() throws {
        let certificate = logs.file("agent.pem"), key = logs.file("agent.key")
        let made = try Command("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                    "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
                                                    "-addext", "subjectAltName=IP:127.0.0.1"]).run()
        try #require(made.status == 0, "\(made.stderr)")
        var options = StandInAgent.Options()
        options.tls = (certificate, key)
        let agent = try StandInAgent(options)
        let echo = try TCPTestServer(mode: .echo)

        let (trusting, local) = try forward(remote: echo.port, agent: "wss://127.0.0.1:\(agent.port)", extra: ["--ca-file", certificate], name: "trusting")
        let result = TCPTestClient.echo(port: local, bytes: 4 << 20, seed: 11)
        #expect(result.exact, "\(result.matched) bytes matched\n\(stderr("trusting"))")
        #expect(stderr("trusting") == "Forwarding 127.0.0.1:\(local) -> my-app/db:\(echo.port)\n")
        stop(trusting, name: "trusting")

        let (doubting, other) = try forward(remote: echo.port, agent: "wss://127.0.0.1:\(agent.port)", name: "doubting")
        #expect(TCPTestClient.closedWithoutAnswer(port: other))
        #expect(waitForOutput("sluice: my-app/db:\(echo.port): wss://127.0.0.1:\(agent.port) (given with --node) did not answer as a Sluice agent: its TLS certificate is not trusted here; if a private CA signed it (or it signed itself), pass --ca-file with that certificate\n", name: "doubting"),
                "\(stderr("doubting"))")
        stop(doubting, name: "doubting")
    }

    @Test func withoutAPoolEachConnectionDialsForItself() throws {
        let agent = try StandInAgent()
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward(remote: echo.port, agent: "127.0.0.1:\(agent.port)", extra: ["--pool", "0"])
        #expect(agent.requests.isEmpty, "a stream was opened before any client came")
        for seed in 1...3 {
            let result = TCPTestClient.echo(port: local, bytes: 50_000, seed: UInt64(seed))
            #expect(result.exact, "\(stderr())")
        }
        #expect(agent.requests.count == 3)
        stop(sluice)
    }

    // MARK: The agent's answers before the upgrade

    @Test func eachHTTPErrorOfTheAgentIsSaidInWords() throws {
        var options = StandInAgent.Options()
        options.services = ["my-app/db", "waiting/db"]
        options.phases = ["waiting=Pending"]
        let agent = try StandInAgent(options)
        let address = "127.0.0.1:\(agent.port)"
        let cases: [(service: String, says: String)] = [
            ("my-app/nope", "the agent at \(address) has no my-app/nope: no service nope in my-app"),
            ("other/db", "the agent at \(address) has no other/db: no project other"),
            ("waiting/db", "waiting is Pending: no container to connect to yet"),
        ]
        for (index, item) in cases.enumerated() {
            let name = "case\(index)"
            let (sluice, local) = try forward(item.service, remote: 5432, agent: address, name: name)
            #expect(TCPTestClient.closedWithoutAnswer(port: local))
            #expect(waitForOutput("sluice: \(item.service):5432: \(item.says)\n", name: name), "\(stderr(name))")
            stop(sluice, name: name)
        }

        var full = StandInAgent.Options()
        full.full = true
        let busy = try StandInAgent(full)
        let (sluice, local) = try forward(remote: 5432, agent: "127.0.0.1:\(busy.port)", name: "full")
        #expect(TCPTestClient.closedWithoutAnswer(port: local))
        #expect(waitForOutput("the agent at 127.0.0.1:\(busy.port) is at its connection limit: the agent is at its connection limit (0 streams); try again when some of its connections close\n", name: "full"),
                "\(stderr("full"))")
        stop(sluice, name: "full")
    }

    @Test func aTokenIsSentAsBearerAndAMissingOrWrongOneIsSaidClearly() throws {
        var options = StandInAgent.Options()
        options.token = "s3cret-token"
        let agent = try StandInAgent(options)
        let echo = try TCPTestServer(mode: .echo)
        let address = "127.0.0.1:\(agent.port)"

        let (without, local) = try forward(remote: echo.port, agent: address, name: "without")
        #expect(TCPTestClient.closedWithoutAnswer(port: local))
        #expect(waitForOutput("sluice: my-app/db:\(echo.port): the agent at \(address) wants a token: pass --token-file\n", name: "without"), "\(stderr("without"))")
        stop(without, name: "without")

        let wrong = try logs.write("wrong.token", "not-it\n")
        let (wrongly, wrongPort) = try forward(remote: echo.port, agent: address, extra: ["--token-file", wrong], name: "wrong")
        #expect(TCPTestClient.closedWithoutAnswer(port: wrongPort))
        #expect(waitForOutput("the agent at \(address) did not accept the token from \(wrong): the token is wrong; check --token-file\n", name: "wrong"),
                "\(stderr("wrong"))")
        stop(wrongly, name: "wrong")

        let right = try logs.write("right.token", "s3cret-token\n", mode: 0o600)
        let (rightly, rightPort) = try forward(remote: echo.port, agent: address, extra: ["--token-file", right], name: "right")
        let result = TCPTestClient.echo(port: rightPort, bytes: 100_000, seed: 5)
        #expect(result.exact, "\(stderr("right"))")
        #expect(agent.requests.last?.authorization == "Bearer s3cret-token")
        #expect(!stderr("right").contains("s3cret"), "the token was printed")
        stop(rightly, name: "right")
    }

    @Test func anUnreachableAgentIsNamedWithHowItWasFound() throws {
        let closed = try LoopbackPort.free()
        let (sluice, local) = try forward(remote: 5432, agent: "127.0.0.1:\(closed)")
        #expect(TCPTestClient.closedWithoutAnswer(port: local))
        #expect(waitForOutput("sluice: my-app/db:5432: cannot reach the agent at 127.0.0.1:\(closed) (given with --node): connection refused (nothing listens there); is the agent running there?\n"),
                "\(stderr())")
        stop(sluice)
    }

    // MARK: Resolution through a control plane

    @Test func theControlPlanesNodeRefAndAgentPortAreUsedWithTheToken() throws {
        var options = StandInAgent.Options()
        options.token = "cp-and-agent"
        let agent = try StandInAgent(options)
        let controlPlane = try FakeControlPlane(projects: ["my-app=Running:node-1"], nodes: ["node-1=127.0.0.1:\(agent.port)"], token: "cp-and-agent")
        let token = try logs.write("token", "cp-and-agent\n", mode: 0o600)
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        let sluice = try start(["my-app/db", "\(local):\(echo.port)", "--control-plane", controlPlane.url, "--token-file", token])
        #expect(waitForOutput("Forwarding 127.0.0.1:\(local) -> my-app/db:\(echo.port)\n"), "\(stderr())")
        #expect(!stderr().contains("warning"), "\(stderr())")
        let result = TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 8)
        #expect(result.exact, "\(stderr())")
        #expect(controlPlane.requests.map(\.path) == ["/api/v1/projects/my-app", "/api/v1/nodes/node-1"])
        #expect(controlPlane.requests.allSatisfy { $0.authorization == "Bearer cp-and-agent" })
        stop(sluice)
    }

    @Test func aNodeWithoutAgentPortIsTriedOn9090WithAWarning() throws {
        let controlPlane = try FakeControlPlane(projects: ["my-app=Running:node-1"], nodes: ["node-1=127.0.0.1"])
        let echo = try TCPTestServer(mode: .echo)
        // An agent on 9090 only if the port is free; else what was tried is
        // checked from the message.
        let agent: StandInAgent? = LoopbackPort.isFree(9090)
            ? try? StandInAgent({ var options = StandInAgent.Options(); options.port = 9090; return options }()) : nil
        let local = try LoopbackPort.free()
        let sluice = try start(["my-app/db", "\(local):\(echo.port)", "--control-plane", controlPlane.url])
        #expect(waitForOutput("Forwarding 127.0.0.1:\(local) -> my-app/db:\(echo.port)\n"), "\(stderr())")
        #expect(stderr().hasPrefix("sluice: warning: node node-1 has no agentPort at \(controlPlane.url) (status.network.agentPort); trying the agent on port 9090\n"),
                "\(stderr())")
        if agent != nil {
            let result = TCPTestClient.echo(port: local, bytes: 100_000, seed: 9)
            #expect(result.exact, "\(stderr())")
        } else {
            _ = TCPTestClient.closedWithoutAnswer(port: local)
            #expect(waitForOutput("127.0.0.1:9090 (node node-1 of project my-app, from the control plane at \(controlPlane.url), on port 9090 because the node names no agentPort)"),
                    "\(stderr())")
        }
        stop(sluice)
    }

    @Test func aPendingProjectIsAClearErrorAndNothingListens() throws {
        let controlPlane = try FakeControlPlane(projects: ["my-app=Pending"], nodes: [])
        let local = try LoopbackPort.free()
        let sluice = try start(["my-app/db", "\(local):5432", "--control-plane", controlPlane.url])
        #expect(sluice.wait(timeout: 30) == 1)
        #expect(stderr() == "sluice: my-app is Pending: no container to connect to yet\n")
        #expect(controlPlane.requests.map(\.path) == ["/api/v1/projects/my-app"])
    }

    @Test func nodeSkipsTheControlPlaneEntirely() throws {
        let agent = try StandInAgent()
        let controlPlane = try FakeControlPlane(projects: ["my-app=Running:node-1"], nodes: ["node-1=127.0.0.1:1"])
        let echo = try TCPTestServer(mode: .echo)
        let (sluice, local) = try forward(remote: echo.port, agent: "127.0.0.1:\(agent.port)", extra: ["--control-plane", controlPlane.url])
        let result = TCPTestClient.echo(port: local, bytes: 100_000, seed: 10)
        #expect(result.exact, "\(stderr())")
        stop(sluice)
        #expect(controlPlane.requests.isEmpty)
    }

    @Test func theControlPlanesTokenMissingOrWrongIsSaidClearly() throws {
        let controlPlane = try FakeControlPlane(projects: ["my-app=Running:node-1"], nodes: ["node-1=127.0.0.1:9090"], token: "right")
        let without = try start(["my-app/db", "5432", "--control-plane", controlPlane.url], name: "without")
        #expect(without.wait(timeout: 30) == 1)
        #expect(stderr("without") == "sluice: the control plane at \(controlPlane.url) wants a token: pass --token-file\n")

        let wrong = try logs.write("wrong.token", "wrong\n")
        let wrongly = try start(["my-app/db", "5432", "--control-plane", controlPlane.url, "--token-file", wrong], name: "wrong")
        #expect(wrongly.wait(timeout: 30) == 1)
        #expect(stderr("wrong") == "sluice: the control plane at \(controlPlane.url) did not accept the token from \(wrong): a valid token is required; check --token-file\n")
    }

    @Test func anUnreachableControlPlaneSuggestsNode() throws {
        let closed = try LoopbackPort.free()
        let sluice = try start(["my-app/db", "5432", "--control-plane", "http://127.0.0.1:\(closed)"])
        #expect(sluice.wait(timeout: 30) == 1)
        #expect(stderr() == "sluice: cannot reach the control plane at http://127.0.0.1:\(closed): connection refused (nothing listens there); check --control-plane, or pass --node HOST:PORT to skip it\n")
    }

    // MARK: Input

    @Test func badInputIsAUsageErrorThatSaysWhatToType() throws {
        let cases: [([String], String)] = [
            (["my-app", "5432", "--node", "127.0.0.1:9090"], "\"my-app\" is not PROJECT/SERVICE (e.g. my-app/db)"),
            (["my-app/../x", "5432", "--node", "127.0.0.1:9090"], "is not PROJECT/SERVICE"),
            (["my app/db", "5432", "--node", "127.0.0.1:9090"], "\"my app\" is not a project name: use letters, digits, -, _ and . (1 to 63 of them, not starting with - or .)"),
            (["my-app/db", "05432", "--node", "127.0.0.1:9090"], "\"05432\" is not a port: use a number from 1 to 65535"),
            (["my-app/db", "70000:5432", "--node", "127.0.0.1:9090"], "\"70000\" is not a local port"),
            (["my-app/db", "5432", "--node", "10.0.0.5"], "\"10.0.0.5\" has no port: give the agent's, e.g. 10.0.0.5:9090"),
            (["my-app/db", "5432", "--node", "http://10.0.0.5:9090"], "is not an agent address: use HOST:PORT, ws://HOST:PORT or wss://HOST:PORT"),
            (["my-app/db", "5432"], "say where the agent is: --node HOST:PORT (or a ws:// or wss:// URL), or --control-plane URL to find my-app's node"),
            (["my-app/db", "5432", "--control-plane", "cp:8080"], "\"cp:8080\" is not a control plane URL"),
            (["my-app/db", "5432", "--node", "127.0.0.1:9090", "--token-file", "/nonexistent/token"], "cannot read the token file /nonexistent/token: No such file or directory"),
        ]
        for (index, (arguments, says)) in cases.enumerated() {
            let result = try SluiceBinary.run(["port-forward"] + arguments, environment: ["HOME": logs.path], timeout: 30)
            #expect(result.status == 64, "case \(index): \(result.stderr)")
            #expect(result.stderr.contains(says), "case \(index): \(result.stderr)")
        }
        let empty = try logs.write("empty.token", "\n")
        let result = try SluiceBinary.run(["port-forward", "my-app/db", "5432", "--node", "127.0.0.1:9090", "--token-file", empty], environment: ["HOME": logs.path])
        #expect(result.status == 64)
        #expect(result.stderr == "sluice: the token file \(empty) is empty\n")
    }
}
