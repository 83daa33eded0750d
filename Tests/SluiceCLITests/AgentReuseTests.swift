import Foundation
import SluiceTestSupport
import Testing

/// `sluice.v2` on `sluice agent`, driven by a client no one here wrote
/// (the Python `websockets` library): one WebSocket carries one connection
/// to the service after another, each with its own end both ways and its
/// own log line.
@Suite struct AgentReuseTests {
    @Test func nextOpensAFreshConnectionToTheServiceOnTheSameWebSocket() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let report = try TCPTestServer(mode: .report)
        let first = try AgentTests.randomFile(agent.folder, "first", bytes: 1 << 20, seed: 1411)
        let second = try AgentTests.randomFile(agent.folder, "second", bytes: 300_000, seed: 1412)
        let result = try AgentClient.run([agent.forward("my-app/db/\(report.port)"), "--protocol", "sluice.v2", "--protocol", "sluice.v1",
                                          "--save", agent.folder.file("replies"),
                                          "send-file:\(first.path)", "end", "wait-eof",
                                          "send-text:next", "send-file:\(second.path)", "end", "wait-eof", "close"])
        #expect(result.subprotocol == "sluice.v2", "\(result)")
        // The report service answers each connection with what it got,
        // after that connection's EOF: two connections, in order.
        #expect(try agent.folder.read("replies") == Self.reportLine(first.data) + Self.reportLine(second.data))
        #expect(result.eofs == 2, "\(result)")
        #expect(result.closeCode == 1000, "\(result)")
        // One line per connection, from the same client port, and none for
        // the WebSocket closed between connections.
        #expect(agent.waitForLog("300 KB in"), "\(agent.log)")
        #expect(agent.stop() == 0, "\(agent.log)")
        let lines = agent.log.split(separator: "\n").filter { $0.contains(" closed after ") }
        #expect(lines.count == 2, "\(agent.log)")
        #expect(Set(lines.map { $0.split(separator: " ")[1] }).count == 1, "\(lines)")
        #expect(lines.first?.contains("1.0 MB in") == true, "\(lines)")
    }

    /// The service ends its side while the agent holds the client back
    /// (the service read nothing): the client hears that end at once, then
    /// everything it sent reaches the service, and once its own end is
    /// through, the same WebSocket carries the next connection. The client
    /// is a plain socket here: a library client will not keep sending
    /// while it waits for a frame.
    @Test func anEndWhileTheClientIsHeldBackStillLetsTheNextConnectionThrough() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let deaf = try TargetListener()
        let client = try RawWebSocket(port: agent.port, path: "/api/v1/forward/my-app/db/\(deaf.port)", protocols: ["sluice.v2"], timeout: 30)
        defer { client.close() }
        #expect(client.greeting.lowercased().contains("sec-websocket-protocol: sluice.v2"), "\(client.greeting)")
        let service = deaf.accept(timeout: 10)
        try #require(service >= 0, "\(agent.log)")
        defer { close(service) }

        // The client sends 48 MiB, more than the kernel's buffers on the
        // way hold, then its end; the service reads nothing yet.
        let total = 48 << 20
        let upload = BackgroundUpload(through: client, total: total, byte: 0xC3, thenEnd: true)
        Thread.sleep(forTimeInterval: 1)
        #expect(upload.sent < total, "the client was not held back")

        // The service ends its side: the client hears that end while it is
        // still held back.
        shutdown(service, Int32(SHUT_WR))
        // Pings, and the pong that said the service was connected, first.
        var frame = client.receiveFrame()
        while let control = frame, control.opcode == 0x9 || control.opcode == 0xA { frame = client.receiveFrame() }
        #expect(frame?.opcode == 0x2 && frame?.payload.isEmpty == true, "\(String(describing: frame)) \(agent.log)")

        // Then the service reads everything, and the client's end after it.
        #expect(BackgroundUpload.receive(service, upTo: total) == total, "\(agent.log)")
        var byte: UInt8 = 0
        #expect(recv(service, &byte, 1, 0) == 0, "the client's end did not reach the service")
        #expect(upload.finish(within: 30))
        #expect(upload.sentEnd, "the client's end was not sent")

        // Both ends are done: the same WebSocket carries the next connection.
        #expect(client.sendText("next"))
        let next = deaf.accept(timeout: 10)
        try #require(next >= 0, "the agent opened no next connection: \(agent.log)")
        defer { close(next) }
        #expect(client.sendBinary(Array("hello".utf8)))
        #expect(TCPTestClient.receive(next, count: 5) == Array("hello".utf8), "\(agent.log)")
    }

    @Test func dataBetweenConnectionsIsRefusedWith1008() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let echo = try TCPTestServer(mode: .echo)
        let result = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--protocol", "sluice.v2",
                                          "send-bytes:10", "end", "wait-eof", "send-bytes:10", "wait-close"])
        #expect(result.subprotocol == "sluice.v2")
        #expect(result.received == 10)
        #expect(result.closeCode == 1008, "\(result)")
        #expect(result.closeReason == "data between connections: send \"next\" first", "\(result)")
    }

    @Test func anAgentOfferedOnlySluiceV1ClosesAfterBothEnds() throws {
        let agent = try AgentProcess(services: AgentTests.services())
        let echo = try TCPTestServer(mode: .echo)
        let result = try AgentClient.run([agent.forward("my-app/db/\(echo.port)"), "--protocol", "sluice.v1",
                                          "send-bytes:10", "end", "wait-eof", "wait-close"])
        #expect(result.subprotocol == "sluice.v1")
        #expect(result.closeCode == 1000, "\(result)")
    }

    /// A WebSocket between connections has nothing to drain: shutdown
    /// closes it at once (1001), and logs no line for it.
    @Test func shutdownClosesAnIdleWebSocketAtOnce() throws {
        let agent = try AgentProcess(services: AgentTests.services(), arguments: ["--drain", "30"])
        let echo = try TCPTestServer(mode: .echo)
        let client = try AgentClient.start([agent.forward("my-app/db/\(echo.port)"), "--protocol", "sluice.v2",
                                            "send-bytes:10", "end", "wait-eof", "wait-close"], in: agent.folder, name: "client")
        #expect(agent.waitForLog("10 B in, 10 B out"), "\(agent.log)")
        // Well inside the 30 s drain: nothing waited for it.
        #expect(agent.stop(SIGTERM, timeout: 10) == 0, "\(agent.log)")
        let result = try AgentClient.finish(client, in: agent.folder, name: "client")
        #expect(result.closeCode == 1001, "\(result)")
        #expect(result.closeReason == "the agent is shutting down")
        #expect(agent.log.contains("agent: stopping\n"), "\(agent.log)")
        #expect(agent.log.split(separator: "\n").filter { $0.contains(" closed after ") }.count == 1, "\(agent.log)")
    }

    /// A connection that ends during the drain is its WebSocket's last:
    /// closed then (1001), not kept waiting for a `next` until the drain
    /// is over.
    @Test func aConnectionEndingDuringTheDrainClosesItsWebSocket() throws {
        let agent = try AgentProcess(services: AgentTests.services(), arguments: ["--drain", "30"])
        let target = try TargetListener()
        let client = try AgentClient.start([agent.forward("my-app/db/\(target.port)"), "--protocol", "sluice.v2",
                                            "send-bytes:10", "sleep:1.5", "end", "wait-eof", "wait-close"], in: agent.folder, name: "client")
        let connection = target.accept()
        try #require(connection >= 0)
        defer { close(connection) }
        agent.process.signal(SIGTERM)
        // The client's 10 bytes, then its end (after its sleep), in the drain.
        #expect(TCPTestClient.receive(connection, count: 11).count == 10)
        shutdown(connection, Int32(SHUT_WR))
        #expect(agent.process.wait(timeout: 10) == 0, "\(agent.log)")
        let result = try AgentClient.finish(client, in: agent.folder, name: "client")
        #expect(result.eofs == 1, "\(result)")
        #expect(result.closeCode == 1001, "\(result)")
        #expect(agent.log.contains("agent: stopping: 1 stream open, closed with 1001 in 30 s unless they end first"), "\(agent.log)")
    }

    static func reportLine(_ data: Data) -> String {
        var hash = ByteStream.fnvSeed
        data.withUnsafeBytes { ByteStream.fnv1a($0, into: &hash) }
        return "\(data.count) \(String(hash, radix: 16))\n"
    }
}
