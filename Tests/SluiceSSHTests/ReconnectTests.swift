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
        let (fixture, echo, port) = try forwardToAService(.echo)
        freezeAndExpectTheLossNoticed(fixture)
        #expect(fixture.engine.board.server(named: "test")?.lastError?.contains("no answer from the server") == true, "\(fixture.dump)")
        fixture.sshd.thaw()
        #expect(fixture.waitUntil(timeout: 20) { servers in servers.first?.link == .connected }, "\(fixture.dump)")
        #expect(fixture.waitForState("test", "local", .up))
        #expect(TCPTestClient.echo(port: port, bytes: 100_000, seed: 3).exact, "\(fixture.dump)")
        withExtendedLifetime(echo) {}
    }

    /// A server that freezes while eight uploads are in flight (more than
    /// its windows and the socket buffers can take) is still noticed within
    /// the keepalive bound: the session thread must never wait in the
    /// kernel for the frozen server. Two things keep it out: reads from
    /// clients stop while libssh's output is queued, so little waits to be
    /// sent, and the 1 ms send timeout on the session socket
    /// (SessionSocketSetup) ends any send that would wait. Either alone
    /// passes this test; it fails if the session thread blocks.
    @Test func aServerFrozenUnderUploadsIsStillNoticedWithinTheKeepaliveBound() throws {
        let (fixture, sink, port) = try forwardToAService(.report)
        let uploads = DispatchGroup()
        let sent = SentCounter()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: uploads) {
                // Sends until the tunnel stops taking bytes (2 s timeout).
                let fd = TCPTestClient.connect(port: port, timeout: 2)
                guard fd >= 0 else { return }
                defer { close(fd) }
                let chunk = [UInt8](repeating: 0x5a, count: 64 * 1024)
                while !sent.stopped && chunk.withUnsafeBytes({ TCPTestClient.sendAll(fd, $0) }) { sent.add(chunk.count) }
            }
        }
        // Well past what sshd takes before it freezes: its window, the
        // socket buffers, and more.
        let started = Date()
        while sent.total < 64 << 20 && Date().timeIntervalSince(started) < 20 { usleep(10_000) }
        #expect(sent.total >= 64 << 20, "the uploads never got going: \(sent.total) bytes\n\(fixture.dump)")
        freezeAndExpectTheLossNoticed(fixture)
        sent.stop()
        fixture.sshd.thaw()
        #expect(uploads.wait(timeout: .now() + 30) == .success, "the uploads did not end")
        #expect(fixture.waitUntil(timeout: 20) { servers in servers.first?.link == .connected }, "\(fixture.dump)")
        withExtendedLifetime(sink) {}
    }

    /// Quick keepalives: a dead link is noticed within 3 s.
    private static let quickTuning = LinkTuning(keepaliveInterval: 1, keepaliveCountMax: 2, reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 3)

    /// An engine with one -L forward, up, to a new service of `mode`.
    private func forwardToAService(_ mode: TCPTestServer.Mode) throws -> (EngineFixture, TCPTestServer, Int) {
        let fixture = try EngineFixture(tuning: Self.quickTuning)
        let service = try TCPTestServer(mode: mode)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("local", "-L \(port):127.0.0.1:\(service.port)")])])
        #expect(fixture.waitForState("test", "local", .up), "\(fixture.dump)")
        return (fixture, service, port)
    }

    /// Freezes the server (SIGSTOP: its TCP connection stays open) and
    /// expects the engine to call the link lost within the keepalive bound.
    private func freezeAndExpectTheLossNoticed(_ fixture: EngineFixture) {
        let bound = Self.quickTuning.deadLinkBound
        fixture.sshd.freeze()
        let frozenAt = Date()
        #expect(fixture.waitUntil(timeout: bound + 3) { servers in servers.first?.link != .connected }, "\(fixture.dump)")
        let noticedAfter = Date().timeIntervalSince(frozenAt)
        #expect(noticedAfter <= bound + 1.5, "noticed after \(noticedAfter) s")
    }

    private final class SentCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes = 0
        private var stopRequested = false
        func add(_ count: Int) { lock.withLock { bytes += count } }
        var total: Int { lock.withLock { bytes } }
        func stop() { lock.withLock { stopRequested = true } }
        var stopped: Bool { lock.withLock { stopRequested } }
    }
}
