import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// Clients of a -L or -D forward that connect while its link is down: the
/// listener stays bound, so their connect succeeds at once; they are held
/// for up to the connect timeout, then served or closed, never left hanging.
@Suite(.serialized) struct HeldClientTests {
    @Test func aClientIsClosedWhenTheLinkStaysDownForTheConnectTimeout() throws {
        let tuning = LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 2)
        let fixture = try EngineFixture(tuning: tuning)
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        fixture.sshd.stop()
        #expect(fixture.waitUntil { servers in servers.first?.link != .connected }, "\(fixture.dump)")

        // Longer than any hold: a client left hanging would wait this long.
        let fd = TCPTestClient.connect(port: port, timeout: 30)
        #expect(fd >= 0, "the listener should stay bound while the link is down")
        defer { close(fd) }
        let connected = Date()
        var byte: UInt8 = 0
        let got = recv(fd, &byte, 1, 0)
        let closedAfter = Date().timeIntervalSince(connected)
        #expect(got == 0 || (got < 0 && errno == ECONNRESET), "got \(got), errno \(errno)")
        // The connect timeout, plus a turn of the loop and a refused connect.
        #expect(closedAfter < Double(tuning.connectTimeout) + 5, "closed after \(closedAfter) s")
        #expect(fixture.waitUntil(timeout: 5) { _ in
            // With what the link last failed on.
            fixture.status("test", "local")?.lastError?.hasPrefix("a client waited 2 s for the link to the server and was closed (cannot connect to") == true
        }, "\(fixture.dump)")
        #expect(fixture.status("test", "local")?.openConnections == 0)
    }

    @Test func aHeldClientsBytesGoThroughOnceTheLinkIsBack() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 0.5, connectTimeout: 10))
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        fixture.sshd.stop()
        #expect(fixture.waitUntil { servers in servers.first?.link != .connected }, "\(fixture.dump)")

        let fd = TCPTestClient.connect(port: port, timeout: 20)
        #expect(fd >= 0)
        defer { close(fd) }
        var stream = ByteStream(seed: 9)
        var sent = [UInt8](repeating: 0, count: 100_000)
        sent.withUnsafeMutableBytes { stream.fill($0) }
        // Sent while the link is down: the bytes wait in the socket.
        #expect(sent.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) })
        usleep(500_000)
        try fixture.sshd.start()
        #expect(TCPTestClient.receive(fd, count: sent.count) == sent, "\(fixture.dump)")
        #expect(fixture.status("test", "local")?.totalConnections == 1, "\(fixture.dump)")
    }

    /// A SOCKS client's request, sent while the link was down, is answered
    /// once it is back.
    @Test func aHeldSOCKSClientIsServedOnceTheLinkIsBack() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 0.5, connectTimeout: 10))
        let web = try HTTPTestServer()
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")
        fixture.sshd.stop()
        #expect(fixture.waitUntil { servers in servers.first?.link != .connected }, "\(fixture.dump)")
        let output = try TemporaryDirectory()
        let curl = try ChildProcess("/usr/bin/curl", ["-sS", "--max-time", "20", "--noproxy", "", "--socks5-hostname", "127.0.0.1:\(port)", web.url()],
                                    stdout: output.file("page"), stderr: output.file("stderr"))
        // curl has connected and sent its request by now; the link is down.
        usleep(1_000_000)
        try fixture.sshd.start()
        let status = curl.wait(timeout: 30)
        #expect(status == 0, "\((try? output.read("stderr")) ?? "")\n\(fixture.dump)")
        let page = try? output.read("page")
        #expect(page == web.page, "\(fixture.dump)")
    }
}
