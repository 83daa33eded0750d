import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

@Suite(.serialized) struct ReconnectTests {
    /// Kill sshd with its connections and start it again, five times: every
    /// forward comes back by itself. (HeadlessTests checks, in a process of
    /// its own, that nothing leaks.)
    @Test func everyForwardComesBackAfterTheServerRestartsFiveTimes() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(keepaliveInterval: 2, keepaliveCountMax: 2, reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 5))
        let echo = try TCPTestServer(mode: .echo)
        let localPort = try LoopbackPort.free()
        let socksPort = try LoopbackPort.free()
        let reversePort = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [
            try EngineFixture.forward("local", "-L \(localPort):127.0.0.1:\(echo.port)"),
            try EngineFixture.forward("socks", "-D \(socksPort)"),
            try EngineFixture.forward("reverse", "-R \(reversePort):127.0.0.1:\(echo.port)"),
        ])])
        func allUp() -> Bool {
            fixture.waitUntil(timeout: 20) { servers in
                servers.first?.link == .connected && servers.first?.forwards.allSatisfy { $0.state == .up } == true
            }
        }
        #expect(allUp(), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: localPort, bytes: 100_000, seed: 1).exact)
        for round in 1...5 {
            fixture.sshd.stop()
            #expect(fixture.waitUntil { servers in servers.first?.link != .connected }, "round \(round): the loss went unnoticed\n\(fixture.dump)")
            // While the link is down the local listener stays bound: no other
            // program can take the port.
            #expect(!LoopbackPort.isFree(localPort))
            try fixture.sshd.start()
            #expect(allUp(), "round \(round)\n\(fixture.dump)")
            #expect(TCPTestClient.echo(port: localPort, bytes: 100_000, seed: UInt64(round)).exact, "round \(round) local")
            #expect(TCPTestClient.echo(port: reversePort, bytes: 100_000, seed: UInt64(round)).exact, "round \(round) reverse")
        }
    }

    /// A server that stops answering (SIGSTOP) but keeps its TCP connection
    /// open is noticed by keepalives within interval x (count + 1).
    @Test func aFrozenServerIsNoticedWithinTheKeepaliveBoundAndRejoinedAfterThaw() throws {
        let tuning = LinkTuning(keepaliveInterval: 1, keepaliveCountMax: 2, reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 3)
        let fixture = try EngineFixture(tuning: tuning)
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("local", "-L \(port):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("test", "local", .up), "\(fixture.dump)")
        fixture.sshd.freeze()
        let frozenAt = Date()
        #expect(fixture.waitUntil(timeout: tuning.deadLinkBound + 3) { servers in servers.first?.link != .connected }, "\(fixture.dump)")
        let noticedAfter = Date().timeIntervalSince(frozenAt)
        #expect(noticedAfter <= tuning.deadLinkBound + 1.5, "noticed after \(noticedAfter) s")
        #expect(fixture.engine.board.server(named: "test")?.lastError?.contains("no answer from the server") == true, "\(fixture.dump)")
        fixture.sshd.thaw()
        #expect(fixture.waitUntil(timeout: 20) { servers in servers.first?.link == .connected }, "\(fixture.dump)")
        #expect(fixture.waitForState("test", "local", .up))
        #expect(TCPTestClient.echo(port: port, bytes: 100_000, seed: 3).exact, "\(fixture.dump)")
    }
}
