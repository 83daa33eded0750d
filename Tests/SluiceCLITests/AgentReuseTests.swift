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

    static func reportLine(_ data: Data) -> String {
        var hash = ByteStream.fnvSeed
        data.withUnsafeBytes { ByteStream.fnv1a($0, into: &hash) }
        return "\(data.count) \(String(hash, radix: 16))\n"
    }
}
