import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// What happens when the process or the machine wakes from a sleep
/// (`Engine.linksMayHaveSlept`, called on SIGCONT; the clock checks each
/// session makes by itself are tested as values in SleepDetectorTests, and
/// a real SIGSTOP/SIGCONT of `sluice up` in SluiceCLITests).
@Suite(.serialized) struct SleepResumeTests {
    /// The link died during the sleep without a word (the server's end of
    /// it hangs: its session process is stopped). Told of the sleep, the
    /// engine probes at once and replaces the link within seconds, long
    /// before the keepalives (5 s x 4 by default) would have noticed.
    @Test func aLinkThatDiedInASleepIsReplacedWithinSeconds() throws {
        let tuning = LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 5)
        let fixture = try EngineFixture(tuning: tuning)
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 10_000, seed: 1).exact)

        let lost = fixture.sshd.connectionProcesses
        for pid in lost { kill(pid, SIGSTOP) }
        defer { for pid in lost { kill(pid, SIGKILL) } }
        let told = Date()
        fixture.engine.linksMayHaveSlept()
        // A client that comes at once waits for the verdict, then for the
        // new link, and is served.
        let first = TCPTestClient.echo(port: port, bytes: 10_000, seed: 2, timeout: 15)
        let usableAfter = Date().timeIntervalSince(told)
        print("forward usable again \(String(format: "%.2f", usableAfter)) s after linksMayHaveSlept()")
        #expect(first.exact, "\(fixture.dump)")
        #expect(usableAfter < tuning.deadLinkBound, "the keepalives found it, not the check after the sleep\n\(fixture.dump)")
        #expect(fixture.engine.board.server(named: "test")?.link == .connected, "\(fixture.dump)")
    }

    /// A link that is fine answers the probe and is left alone: its open
    /// connections go on.
    @Test func aLinkThatSurvivedTheSleepIsKept() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        let fd = TCPTestClient.connect(port: port)
        defer { close(fd) }
        #expect(fixture.waitUntil { _ in fixture.status("test", "local")?.openConnections == 1 })
        fixture.engine.linksMayHaveSlept()
        usleep(UInt32(LinkTuning.resumeProbeDeadline * 1_000_000) + 500_000)
        let bytes: [UInt8] = Array("still here".utf8)
        #expect(bytes.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) })
        #expect(TCPTestClient.receive(fd, count: bytes.count) == bytes, "\(fixture.dump)")
        #expect(fixture.status("test", "local")?.totalConnections == 1, "\(fixture.dump)")
    }

    /// A server being reconnected is tried at once, without waiting out
    /// its pause (here 20 s).
    @Test func aServerBeingReconnectedIsTriedAtOnce() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(reconnectInitial: 20, reconnectMaximum: 20, connectTimeout: 5))
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        fixture.sshd.stop()
        #expect(fixture.waitUntil { servers in
            if case .reconnecting = servers.first?.link { return true }
            return false
        }, "\(fixture.dump)")
        try fixture.sshd.start()
        fixture.engine.linksMayHaveSlept()
        #expect(fixture.waitUntil(timeout: 10) { servers in servers.first?.link == .connected }, "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 10_000, seed: 3).exact, "\(fixture.dump)")
    }
}
