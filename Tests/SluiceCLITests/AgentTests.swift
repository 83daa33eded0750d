import Foundation
import SluiceTestSupport
import Testing

/// `sluice agent` as a process, against a client no one here wrote (the
/// Python `websockets` library) and real TCP services on loopback.
@Suite struct AgentTests {
    static func services(port: Int? = nil, extra: String = "") -> String {
        """
        {"projects": {
          "my-app": {"phase": "Running", "services": {"db": {"address": "127.0.0.1"}, "web": {}}},
          "later": {"phase": "Pending", "services": {"db": {}}}\(extra)
        }}
        """
    }

    static func randomFile(_ folder: TemporaryDirectory, _ name: String, bytes: Int, seed: UInt64) throws -> (path: String, data: Data) {
        var stream = ByteStream(seed: seed)
        var data = Data(count: bytes)
        data.withUnsafeMutableBytes { stream.fill($0) }
        let path = folder.file(name)
        try data.write(to: URL(fileURLWithPath: path))
        return (path, data)
    }

    @Test func binaryFramesAreRelayedByteExactBothWays() throws {
        let agent = try AgentProcess(services: Self.services())
        let echo = try TCPTestServer(mode: .echo)
        let sent = try Self.randomFile(agent.folder, "sent", bytes: 8 << 20, seed: 1401)
        let result = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--save", agent.folder.file("received"),
                                          "send-file:\(sent.path)", "wait-bytes:\(8 << 20)", "close"])
        #expect(result.status == 101, "\(result) \(agent.log)")
        #expect(result.received == 8 << 20)
        #expect(try Data(contentsOf: URL(fileURLWithPath: agent.folder.file("received"))) == sent.data)
        #expect(result.closeCode == 1000)
        #expect(result.subprotocol == nil)
        #expect(agent.waitForLog(" -> my-app/db:\(echo.port) closed after "), "\(agent.log)")
        let line = agent.log.split(separator: "\n").first { $0.contains(" closed after ") }.map(String.init) ?? ""
        #expect(line.range(of: #"^agent: 127\.0\.0\.1:\d+ -> my-app/db:\d+ closed after \d+\.\d s, 8\.4 MB in, 8\.4 MB out$"#, options: .regularExpression) != nil, "\(line)")
        #expect(agent.stop() == 0, "\(agent.log)")
    }

    @Test func pingsAreAnswered() throws {
        let agent = try AgentProcess(services: Self.services())
        let echo = try TCPTestServer(mode: .echo)
        let result = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "ping", "ping", "close"])
        #expect(result.pongs == 2, "\(result)")
        #expect(result.closeCode == 1000)
    }

    /// The agent pings a quiet client, and drops one that does not answer:
    /// a raw socket that did the handshake and then reads but never writes.
    @Test func aClientThatMissesPongsIsDropped() throws {
        let agent = try AgentProcess(services: Self.services(), arguments: ["--ping-interval", "1"])
        let echo = try TCPTestServer(mode: .echo)
        let socket = try RawWebSocket(port: agent.port, path: "/api/v1/forward/my-app/db/\(echo.port)", timeout: 15)
        defer { socket.close() }
        #expect(socket.greeting.hasPrefix("HTTP/1.1 101 Switching Protocols"), "\(socket.greeting)")
        #expect(socket.greeting.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "the accept key of RFC 6455's example")
        let started = Date()
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < 15 {
            let got = recv(socket.fd, &chunk, chunk.count, 0)
            if got <= 0 { break }
            received += chunk[0..<got]
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(received.first == 0x89, "a ping frame came: \(received.prefix(16))")
        #expect(elapsed >= 1.5 && elapsed < 6, "dropped after \(elapsed) s")
        #expect(agent.waitForLog("the client did not answer a ping within 1 s"), "\(agent.log)")
    }

    /// A client that stops reading stalls the service's sending, and a
    /// service that stops reading stalls the client's: what waits stays in
    /// the kernel's socket buffers (a few MiB on loopback) and a few hundred
    /// KiB in the agent, never an unbounded queue.
    @Test func aStalledPeerStallsTheOtherSide() throws {
        let agent = try AgentProcess(services: Self.services())
        let limit = 64 << 20
        let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
        let before = residentBytes(of: agent.process.pid)

        let target = try TargetListener()
        let reader = try RawWebSocket(port: agent.port, path: "/api/v1/forward/my-app/db/\(target.port)")
        defer { reader.close() }
        let service = target.accept(timeout: 2)
        try #require(service >= 0)
        defer { close(service) }
        var sent = 0
        while sent < limit, chunk.withUnsafeBytes({ TCPTestClient.sendAll(service, $0) }) { sent += chunk.count }
        #expect(sent < limit, "the service sent \(sent) bytes to a client that reads nothing")

        let (writer, quiet) = try Self.streamToDeafService(through: agent, timeout: 2)
        defer { writer.close() }
        defer { close(quiet) }
        var written = 0
        while written < limit, writer.sendBinary(chunk) { written += chunk.count }
        #expect(written < limit, "the client sent \(written) bytes to a service that reads nothing")

        let growth = residentBytes(of: agent.process.pid) - before
        #expect(growth < 32 << 20, "the agent grew by \(growth >> 20) MiB")
    }

    /// A client's WebSocket through `agent` to a service that reads nothing
    /// until the test does: the client, and the service's connection.
    static func streamToDeafService(through agent: AgentProcess, timeout: TimeInterval) throws -> (RawWebSocket, Int32) {
        let deaf = try TargetListener()
        let writer = try RawWebSocket(port: agent.port, path: "/api/v1/forward/my-app/db/\(deaf.port)", timeout: timeout)
        let service = deaf.accept(timeout: 10)
        guard service >= 0 else {
            writer.close()
            throw TestSupportError("the agent did not connect to the service")
        }
        return (writer, service)
    }

    /// The other half of a stall: once the service reads again, the agent
    /// reads the client again, and everything the client sent arrives.
    /// 48 MiB is more than the kernel's buffers on the way hold, so the
    /// client must have been held back while the service did not read.
    @Test func aServiceThatReadsAgainGetsEverything() throws {
        let agent = try AgentProcess(services: Self.services())
        let total = 48 << 20
        let (writer, service) = try Self.streamToDeafService(through: agent, timeout: 30)
        defer { writer.close() }
        defer { close(service) }

        let upload = BackgroundUpload(through: writer, total: total, byte: 0xA5)
        Thread.sleep(forTimeInterval: 2)
        let sentWhileDeaf = upload.sent
        #expect(sentWhileDeaf < total, "the client sent all \(total) bytes to a service that read nothing")

        let received = BackgroundUpload.receive(service, upTo: total)
        #expect(received == total, "the service got \(received) of \(total) bytes (\(sentWhileDeaf) were sent while it did not read)")
        #expect(upload.finish(within: 30))
        #expect(upload.sent == total)
    }

    /// Every descriptor the agent holds is close-on-exec: its own (the
    /// signal pipe, the services watch) and swift-nio's (the loops'
    /// epoll, the listener, a stream's two sockets), which NIO makes
    /// without the flag and the agent marks as they appear. The agent is
    /// started with nothing but 0, 1 and 2 open (python's closerange, then
    /// exec), so what the test process holds cannot be mistaken for the
    /// agent's.
    @Test func everyDescriptorOfTheAgentIsCloseOnExec() throws {
        let folder = try TemporaryDirectory(prefix: "sluice-agent")
        let services = try folder.write("services.json", Self.services())
        let agent = try ChildProcess(try AgentClient.interpreter(),
                                     ["-c", "import os, sys; os.closerange(3, 1 << 16); os.execv(sys.argv[1], sys.argv[1:])",
                                      SluiceBinary.path, "agent", "--listen", "127.0.0.1:0", "--services", services],
                                     stderr: folder.file("stderr"))
        ServerRecord.note(pid: agent.pid, marker: folder.path)
        #expect(folder.waitUntil("stderr", contains: "listening on "), "\((try? folder.read("stderr")) ?? "")")
        let line = ((try? folder.read("stderr")) ?? "").split(separator: " ").first { $0.hasPrefix("127.0.0.1:") } ?? ""
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let target = try TargetListener()
        let client = try AgentClient.start(["ws://127.0.0.1:\(port)/api/v1/forward/my-app/db/\(target.port)", "wait-close"], in: folder, name: "client")
        let connection = target.accept()
        try #require(connection >= 0)
        let descriptors = ProcessInspection.descriptors(of: agent.pid)
        #expect(descriptors.filter(\.isSocket).count >= 3, "\(descriptors)")
        #expect(descriptors.contains { $0.target == "anon_inode:inotify" })
        #expect(descriptors.contains { $0.target == "anon_inode:[eventpoll]" })
        CloseOnExecTests.expectCloseOnExec(descriptors)
        close(connection)
        _ = try AgentClient.finish(client, in: folder, name: "client")
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: 20) == 0)
    }

    @Test func aRefusedTargetCloses1011WithAReason() throws {
        let agent = try AgentProcess(services: Self.services())
        let closed = try ClosedPort()
        let result = try AgentClient.run([agent.forward("my-app/db/\(closed.port)"), "wait-close"])
        #expect(result.status == 101)
        #expect(result.closeCode == 1011)
        #expect(result.closeReason == "connection refused by 127.0.0.1:\(closed.port) in my-app/db")
        #expect(agent.waitForLog("closed after 0.0 s, 0 B in, 0 B out: connection refused by 127.0.0.1:\(closed.port) in my-app/db (1011)"), "\(agent.log)")
        // The default address is localhost: both of its addresses refuse.
        let web = try AgentClient.run([agent.forward("my-app/web/\(closed.port)"), "wait-close"])
        #expect(web.closeReason == "connection refused by localhost:\(closed.port) in my-app/web")
    }

    /// sluice.v1: the client's empty frame is a FIN to the service, which
    /// answers after it; the answer arrives, then the agent's own empty
    /// frame, then the close (1000).
    @Test func halfCloseUnderSluiceV1() throws {
        let agent = try AgentProcess(services: Self.services())
        let report = try TCPTestServer(mode: .report)
        let sent = try Self.randomFile(agent.folder, "sent", bytes: 3 << 20, seed: 1402)
        var hash = ByteStream.fnvSeed
        sent.data.withUnsafeBytes { ByteStream.fnv1a($0, into: &hash) }
        let result = try AgentClient.run([agent.forward("my-app/db/\(report.port)"), "--protocol", "sluice.v1", "--save", agent.folder.file("reply"),
                                          "send-file:\(sent.path)", "end", "wait-eof", "wait-close"])
        #expect(result.subprotocol == "sluice.v1", "\(result)")
        let reply = try agent.folder.read("reply")
        #expect(reply == "\(3 << 20) \(String(hash, radix: 16))\n")
        #expect(result.eof == true)
        #expect(result.receivedAtEof == reply.utf8.count)
        #expect(result.closeCode == 1000)
    }

    /// Without sluice.v1, an empty frame is no end; the client's close
    /// frame closes the service's connection after what it sent.
    @Test func withoutTheSubprotocolTheClientsCloseClosesTheService() throws {
        let agent = try AgentProcess(services: Self.services())
        let target = try TargetListener()
        let client = try AgentClient.start([agent.forward("my-app/db/\(target.port)"), "--protocol", "other",
                                            "send-bytes:1000", "end", "sleep:0.3", "close"], in: agent.folder, name: "client")
        let connection = target.accept()
        try #require(connection >= 0)
        defer { close(connection) }
        let got = TCPTestClient.receive(connection, count: 2000)
        #expect(got.count == 1000, "the service saw its EOF after 1000 bytes")
        let result = try AgentClient.finish(client, in: agent.folder, name: "client")
        #expect(result.subprotocol == nil)
        #expect(result.closeCode == 1000, "\(result)")
    }

    /// Without sluice.v1, the service's end becomes a close (1000) after
    /// its last bytes.
    @Test func withoutTheSubprotocolTheServicesEndCloses() throws {
        let agent = try AgentProcess(services: Self.services())
        let target = try TargetListener()
        let client = try AgentClient.start([agent.forward("my-app/db/\(target.port)"), "wait-close"], in: agent.folder, name: "client")
        let connection = target.accept()
        try #require(connection >= 0)
        _ = Array("hello".utf8).withUnsafeBytes { TCPTestClient.sendAll(connection, $0) }
        shutdown(connection, Int32(SHUT_WR))
        let result = try AgentClient.finish(client, in: agent.folder, name: "client")
        close(connection)
        #expect(result.received == 5, "\(result)")
        #expect(result.eof == false)
        #expect(result.closeCode == 1000)
    }

    @Test func textFramesAndOversizedFramesAreRefused() throws {
        let agent = try AgentProcess(services: Self.services())
        let echo = try TCPTestServer(mode: .echo)
        let text = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-text:hello", "wait-close"])
        #expect(text.closeCode == 1003, "\(text)")
        let big = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-bytes:\((1 << 20) + 1)", "wait-close"])
        #expect(big.closeCode == 1008, "\(big)")
        #expect(big.closeReason == "a frame over the 1 MiB limit")
        let largest = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-bytes:\(1 << 20)", "wait-bytes:\(1 << 20)", "close"])
        #expect(largest.received == 1 << 20 && largest.closeCode == 1000, "\(largest)")
    }

    @Test func requestsItWillNotUpgradeGetHTTPErrorsWithJSON() throws {
        let agent = try AgentProcess(services: Self.services())
        let badPort = try AgentClient.run([agent.forward("my-app/db/65536")])
        #expect(badPort.status == 400)
        #expect(badPort.message == "the port \"65536\" should be a number from 1 to 65535")
        #expect(badPort.headers?["content-type"] == "application/json")
        let noProject = try AgentClient.run([agent.forward("nope/db/5432")])
        #expect(noProject.status == 404 && noProject.message == "no project nope on this agent", "\(noProject)")
        let noService = try AgentClient.run([agent.forward("my-app/nope/5432")])
        #expect(noService.status == 404 && noService.message == "no service nope in my-app (it has: db, web)", "\(noService)")
        let pending = try AgentClient.run([agent.forward("later/db/5432")])
        #expect(pending.status == 409 && pending.message == "later is Pending: no container to connect to yet", "\(pending)")
        let plain = try Command("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "--max-time", "10", agent.url("/api/v1/forward/my-app/db/5432", scheme: "http")]).run()
        #expect(plain.stdout.hasSuffix("\n400"), "\(plain.stdout)")
        #expect(plain.stdout.contains("not a WebSocket upgrade"))
        #expect(agent.waitForLog("/api/v1/forward/later/db/5432 refused with 409: later is Pending: no container to connect to yet"), "\(agent.log)")
    }

    @Test func aTokenIsRequiredWhenGiven() throws {
        let folder = try TemporaryDirectory()
        let tokenPath = try folder.write("token", "s3cret-token\n", mode: 0o600)
        let agent = try AgentProcess(services: Self.services(), arguments: ["--token-file", tokenPath])
        #expect(agent.log.contains("(ws, token required)"), "\(agent.log)")
        let echo = try TCPTestServer(mode: .echo)
        let missing = try AgentClient.run([agent.forward("nope/db/1")])
        #expect(missing.status == 401, "the token is checked before anything is said: \(missing)")
        #expect(missing.headers?["www-authenticate"] == "Bearer")
        #expect(missing.message == "this agent needs a token: send Authorization: Bearer TOKEN")
        let wrong = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer s3cret-tokem"])
        #expect(wrong.status == 401 && wrong.message == "the token is wrong", "\(wrong)")
        let right = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer s3cret-token",
                                         "send-bytes:10", "wait-bytes:10", "close"])
        #expect(right.status == 101 && right.received == 10, "\(right)")
    }

    @Test func sighupReadsTheTokenFileAgain() throws {
        let folder = try TemporaryDirectory()
        let tokenPath = try folder.write("token", "first\n", mode: 0o600)
        let agent = try AgentProcess(services: Self.services(), arguments: ["--token-file", tokenPath])
        let echo = try TCPTestServer(mode: .echo)
        let steps = ["send-bytes:1", "wait-bytes:1", "close"]
        #expect(try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer first"] + steps).status == 101)
        try folder.write("token", "second\n", mode: 0o600)
        agent.process.signal(SIGHUP)
        #expect(agent.waitForLog("agent: token reloaded from \(tokenPath)"), "\(agent.log)")
        #expect(try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer first"]).status == 401)
        #expect(try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer second"] + steps).status == 101)
        try folder.write("token", "\n", mode: 0o600)
        agent.process.signal(SIGHUP)
        #expect(agent.waitForLog("agent: warning: cannot use the token file \(tokenPath): its first line is empty; the previous token stays in use"), "\(agent.log)")
        #expect(try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--header", "Authorization: Bearer second"] + steps).status == 101)
    }

    @Test func pastTheLimitRequestsGet503() throws {
        let agent = try AgentProcess(services: Self.services(), arguments: ["--max-connections", "1"])
        let target = try TargetListener()
        let holder = try AgentClient.start([agent.forward("my-app/db/\(target.port)"), "wait-close"], in: agent.folder, name: "holder")
        let connection = target.accept()
        try #require(connection >= 0)
        let refused = try AgentClient.run([agent.forward("my-app/db/\(target.port)")])
        #expect(refused.status == 503, "\(refused)")
        #expect(refused.message == "the agent has 1 stream open, its limit (--max-connections); try again later")
        close(connection)
        _ = try AgentClient.finish(holder, in: agent.folder, name: "holder")
        let echo = try TCPTestServer(mode: .echo)
        var again = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-bytes:1", "wait-bytes:1", "close"])
        // The slot is given back when the first stream's connection closes,
        // a moment after its client saw the close.
        for _ in 0..<20 where again.status == 503 {
            usleep(100_000)
            again = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-bytes:1", "wait-bytes:1", "close"])
        }
        #expect(again.status == 101, "\(again)")
    }

    @Test func healthzAnswersOk() throws {
        let agent = try AgentProcess(services: Self.services())
        let health = try Command("/usr/bin/curl", ["-s", "-i", "--max-time", "10", agent.url("/healthz", scheme: "http")]).run()
        #expect(health.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(health.stdout)")
        #expect(health.stdout.hasSuffix("\r\n\r\nok\n"))
        let other = try Command("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", agent.url("/metrics", scheme: "http")]).run()
        #expect(other.stdout == "404")
    }

    @Test func listeningBeyondLoopbackNeedsATokenOrConsent() throws {
        let folder = try TemporaryDirectory()
        let services = try folder.write("services.json", Self.services())
        let refused = try SluiceBinary.run(["agent", "--listen", "0.0.0.0:0", "--services", services], environment: [:], timeout: 30)
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("sluice: listening on 0.0.0.0:0 would let anyone who can reach it connect to every service in the services file. "
                                         + "Give a token with --token-file FILE"), "\(refused.stderr)")
        let consenting = try AgentProcess(services: Self.services(), arguments: ["--insecure-no-auth"], listen: "0.0.0.0:0")
        #expect(consenting.log.contains("(ws, no token)"))
        #expect(consenting.stop() == 0)
        let token = try folder.write("token", "t\n", mode: 0o600)
        let guarded = try AgentProcess(services: Self.services(), arguments: ["--token-file", token], listen: "0.0.0.0:0")
        #expect(guarded.log.contains("(ws, token required)"))
        #expect(guarded.stop() == 0)
    }

    @Test func aBrokenServicesFileIsNamedAtLineAndColumn() throws {
        let folder = try TemporaryDirectory()
        let services = try folder.write("services.json", """
            {"projects": {
              "my-app": {"services": {
                "db": {"address": "127.0.0.1", "netns": "app1"}}}}}
            """)
        let result = try SluiceBinary.run(["agent", "--services", services], environment: [:], timeout: 30)
        #expect(result.status == 65)
        #expect(result.stderr == "sluice: the services file \(services) has a problem at line 3, column 45: "
                + "service 'db' of project 'my-app' says more than one of \"address\", \"netns\" and \"pid\"; give one\n", "\(result.stderr)")
        try folder.write("services.json", "{\"projects\": {\n  \"x\": {\"services\": {}},}}")
        let malformed = try SluiceBinary.run(["agent", "--services", services], environment: [:], timeout: 30)
        #expect(malformed.status == 65)
        #expect(malformed.stderr.hasPrefix("sluice: the services file \(services) is not valid JSON at line 2, column 25: a ',' before '}'"), "\(malformed.stderr)")
    }

    /// Changes to the services file apply without a restart; a broken one
    /// leaves the last good services in use and says so.
    @Test func theServicesFileIsFollowed() throws {
        let agent = try AgentProcess(services: Self.services())
        let echo = try TCPTestServer(mode: .echo)
        #expect(try AgentClient.run([agent.forward("more/db/\(echo.port)")]).status == 404)

        let added = Self.services(extra: #", "more": {"services": {"db": {"address": "127.0.0.1"}}}"#)
        try agent.folder.write("services.next", added)
        #expect(rename(agent.folder.file("services.next"), agent.servicesPath) == 0)
        #expect(agent.waitForLog("agent: services reloaded from \(agent.servicesPath): 4 services in 3 projects"), "\(agent.log)")
        let reached = try AgentClient.run([agent.forward("more/db/\(echo.port)"), "send-bytes:3", "wait-bytes:3", "close"])
        #expect(reached.status == 101 && reached.received == 3, "\(reached)")

        try agent.folder.write("services.json", "{\"projects\": {\n  \"more\": {\"servics\": {}}}}")
        #expect(agent.waitForLog("agent: warning: the services file \(agent.servicesPath) has a problem at line 2, column 23: "
                                 + "project 'more' has an unknown key \"servics\""), "\(agent.log)")
        #expect(agent.waitForLog("still serving the previous services (4 services in 3 projects)"), "\(agent.log)")
        let still = try AgentClient.run([agent.forward("more/db/\(echo.port)"), "send-bytes:3", "wait-bytes:3", "close"])
        #expect(still.status == 101, "\(still)")

        try agent.folder.write("services.json", #"{"projects": {"more": {"phase": "Stopped", "services": {"db": {}}}}}"#)
        #expect(agent.waitForLog("services reloaded from \(agent.servicesPath): 1 service in 1 project"), "\(agent.log)")
        let stopped = try AgentClient.run([agent.forward("more/db/\(echo.port)")])
        #expect(stopped.status == 409 && stopped.message == "more is Stopped: no container to connect to yet", "\(stopped)")
    }

    /// SIGTERM: no new connections, open streams closed with 1001 after
    /// the drain, exit 0.
    @Test func aSignalClosesStreamsWith1001AndExitsZero() throws {
        let agent = try AgentProcess(services: Self.services(), arguments: ["--drain", "1"])
        let target = try TargetListener()
        let client = try AgentClient.start([agent.forward("my-app/db/\(target.port)"), "--protocol", "sluice.v1", "wait-close"],
                                           in: agent.folder, name: "client")
        let connection = target.accept()
        try #require(connection >= 0)
        defer { close(connection) }
        #expect(agent.stop(SIGTERM) == 0, "\(agent.log)")
        let result = try AgentClient.finish(client, in: agent.folder, name: "client")
        #expect(result.closeCode == 1001, "\(result)")
        #expect(result.closeReason == "the agent is shutting down")
        #expect(agent.log.contains("agent: stopping: 1 stream open, closed with 1001 in 1 s unless they end first"), "\(agent.log)")
        #expect(agent.log.contains(": the agent is shutting down (1001)"))
        #expect(agent.log.hasSuffix("agent: stopped\n"))
    }

    @Test func jsonLogLines() throws {
        let agent = try AgentProcess(services: Self.services(), arguments: ["--log", "json"])
        let echo = try TCPTestServer(mode: .echo)
        _ = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "send-bytes:100", "wait-bytes:100", "close"])
        #expect(agent.waitForLog("\"event\":\"closed\""), "\(agent.log)")
        let line = try #require(agent.log.split(separator: "\n").first { $0.contains("\"event\":\"closed\"") })
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(record["project"] as? String == "my-app")
        #expect(record["service"] as? String == "db")
        #expect(record["port"] as? Int == echo.port)
        #expect(record["bytesIn"] as? Int == 100 && record["bytesOut"] as? Int == 100)
        #expect(record["closeCode"] as? Int == 1000)
        #expect((record["message"] as? String)?.contains(" -> my-app/db:\(echo.port) closed after ") == true)
    }

    @Test func tlsServesWss() throws {
        let folder = try TemporaryDirectory()
        let made = try Command("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                    "-keyout", folder.file("key.pem"), "-out", folder.file("cert.pem"), "-days", "1",
                                                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]).run()
        try #require(made.status == 0, "\(made.stderr)")
        let agent = try AgentProcess(services: Self.services(), arguments: ["--tls-cert", folder.file("cert.pem"), "--tls-key", folder.file("key.pem")])
        #expect(agent.log.contains("(wss, no token)"), "\(agent.log)")
        let echo = try TCPTestServer(mode: .echo)
        let sent = try Self.randomFile(folder, "sent", bytes: 2 << 20, seed: 1403)
        let result = try AgentClient.run([agent.forward("my-app/db/\(echo.port)", scheme: "wss"), "--cafile", folder.file("cert.pem"),
                                          "--save", folder.file("received"), "send-file:\(sent.path)", "wait-bytes:\(2 << 20)", "close"])
        #expect(result.status == 101, "\(result)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("received"))) == sent.data)
        let health = try Command("/usr/bin/curl", ["-s", "--cacert", folder.file("cert.pem"), "--max-time", "10", agent.url("/healthz", scheme: "https")]).run()
        #expect(health.stdout == "ok\n", "\(health.stderr)")
        let halfTLS = try SluiceBinary.run(["agent", "--services", agent.servicesPath, "--tls-cert", folder.file("cert.pem")], environment: [:], timeout: 30)
        #expect(halfTLS.status == 64 && halfTLS.stderr.contains("--tls-cert and --tls-key go together"), "\(halfTLS.stderr)")
    }
}
