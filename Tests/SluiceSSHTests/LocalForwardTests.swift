import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

@Suite struct LocalForwardTests {
    @Test func carries64MiBEachWayByteExact() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-L \(port):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        let result = TCPTestClient.echo(port: port, bytes: 64 << 20, seed: 1)
        #expect(result == TCPTestClient.EchoResult(matched: 64 << 20, exact: true), "\(fixture.dump)")
        #expect(fixture.waitUntil { _ in fixture.status("test", "db")?.openConnections == 0 })
        let status = try #require(fixture.status("test", "db"))
        #expect(status.totalConnections == 1)
        #expect(status.bytesOut == 64 << 20)
        #expect(status.bytesIn == 64 << 20)
        #expect(status.listening == "127.0.0.1:\(port)")
    }
}
