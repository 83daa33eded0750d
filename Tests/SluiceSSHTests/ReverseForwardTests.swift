import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

@Suite struct ReverseForwardTests {
    @Test func serverPicksAPortAndCarries64MiBEachWayByteExact() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        #expect(try fixture.bringUp("hook", "-R 0:127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        // The harness' sshd runs on this machine, so its loopback is ours.
        let listening = try #require(fixture.status("test", "hook")?.listening)
        #expect(listening.hasPrefix("127.0.0.1:"))
        let port = try #require(Int(listening.split(separator: ":").last ?? ""))
        #expect(port > 0)
        let result = TCPTestClient.echo(port: port, bytes: 64 << 20, seed: 21)
        #expect(result == TCPTestClient.EchoResult(matched: 64 << 20, exact: true), "\(fixture.dump)")
        #expect(fixture.waitUntil { _ in fixture.status("test", "hook")?.bytesIn == 64 << 20 })
    }

    /// A -R target given by name is resolved on this machine and reached.
    /// (Where "localhost" is ::1 first, the other addresses are tried in
    /// turn; this machine's resolver gives 127.0.0.1 only.)
    @Test func aTargetGivenByNameIsReached() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        #expect(try fixture.bringUp("hook", "-R 0:localhost:\(echo.port)"), "\(fixture.dump)")
        let port = Int(fixture.status("test", "hook")?.listening?.split(separator: ":").last ?? "") ?? 0
        #expect(TCPTestClient.echo(port: port, bytes: 100_000, seed: 4).exact, "\(fixture.dump)")
    }

    @Test func switchingOffCancelsTheServersListener() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let hook = try EngineFixture.forward("hook", "-R \(port):127.0.0.1:\(echo.port)")
        fixture.engine.apply([fixture.server(forwards: [hook])])
        #expect(fixture.waitForState("test", "hook", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1000, seed: 1).exact)
        var off = hook
        off.enabled = false
        fixture.engine.apply([fixture.server(forwards: [off])])
        #expect(fixture.waitForState("test", "hook", .off), "\(fixture.dump)")
        #expect(fixture.waitUntil(timeout: 5) { _ in TCPTestClient.connect(port: port, timeout: 1) < 0 }, "the server still listens on \(port)")
        // And on again, on the same port.
        fixture.engine.apply([fixture.server(forwards: [hook])])
        #expect(fixture.waitForState("test", "hook", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1000, seed: 2).exact)
    }

    /// A port taken on the server fails that forward, says so, and is
    /// asked for again with growing pauses: once the port is free (here
    /// the test's own listeners on the server's loopback let it go), the
    /// forward comes up by itself.
    @Test func aTakenServerPortFailsThatForwardSaysSoAndComesUpOnceFree() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let taken = try TCPTestServer(mode: .echo)
        // sshd binds "localhost" on 127.0.0.1 and ::1 and is content with
        // either; hold the port on both so the server really cannot have it.
        var takenIPv6 = try Self.listenIPv6Loopback(port: taken.port)
        defer { if takenIPv6 >= 0 { close(takenIPv6) } }
        fixture.engine.apply([fixture.server(forwards: [
            try EngineFixture.forward("clash", "-R \(taken.port):127.0.0.1:\(echo.port)"),
            try EngineFixture.forward("fine", "-R 0:127.0.0.1:\(echo.port)"),
        ])])
        #expect(fixture.waitForState("test", "clash", .failed), "\(fixture.dump)")
        #expect(fixture.waitForState("test", "fine", .up), "\(fixture.dump)")
        let error = fixture.status("test", "clash")?.lastError ?? ""
        #expect(error.hasPrefix("the server would not listen on localhost:\(taken.port)"), "\(fixture.dump)")
        #expect(error.contains("; trying again in "), "\(fixture.dump)")

        taken.stop()
        close(takenIPv6)
        takenIPv6 = -1
        #expect(fixture.waitForState("test", "clash", .up, timeout: 40), "\(fixture.dump)")
        #expect(fixture.status("test", "clash")?.lastError == nil, "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: taken.port, bytes: 1000, seed: 4).exact, "\(fixture.dump)")
    }

    /// The reproduced bug: the link is lost while the server's end of it
    /// hangs (its session process stopped, as on a frozen or black-holed
    /// link), so the old session still holds the -R port when Sluice
    /// reconnects, and the new session is refused it. The forward says so,
    /// keeps asking, and comes back by itself once the old session is gone.
    @Test func aPortStillHeldByTheLostSessionIsTakenBackOnceItGoes() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(keepaliveInterval: 1, keepaliveCountMax: 2, reconnectInitial: 0.2, reconnectMaximum: 1,
                                                           connectTimeout: 3))
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("hook", "-R \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1000, seed: 5).exact)

        let lingering = fixture.sshd.connectionProcesses
        for pid in lingering { kill(pid, SIGSTOP) }
        defer { for pid in lingering { kill(pid, SIGKILL) } }
        #expect(fixture.waitUntil(timeout: 20) { _ in
            let status = fixture.status("test", "hook")
            return status?.state == .starting && status?.lastError?.contains("most likely still by the session that was lost") == true
        }, "\(fixture.dump)")
        #expect(fixture.engine.board.server(named: "test")?.link == .connected, "\(fixture.dump)")

        // The old session ends (as when the server notices its link is gone).
        for pid in lingering { kill(pid, SIGKILL) }
        #expect(fixture.waitForState("test", "hook", .up, timeout: 10), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1000, seed: 6).exact, "\(fixture.dump)")
    }

    @Test func localTargetNotListeningClosesTheServersConnection() throws {
        let fixture = try EngineFixture()
        let refusing = try ClosedPort()
        defer { withExtendedLifetime(refusing) {} }
        let closed = refusing.port
        #expect(try fixture.bringUp("hook", "-R 0:127.0.0.1:\(closed)"), "\(fixture.dump)")
        let port = Int(fixture.status("test", "hook")?.listening?.split(separator: ":").last ?? "") ?? 0
        let fd = TCPTestClient.connect(port: port, timeout: 5)
        var byte: UInt8 = 0
        #expect(recv(fd, &byte, 1, 0) <= 0)
        close(fd)
        #expect(fixture.waitUntil { _ in fixture.status("test", "hook")?.lastError?.hasPrefix("nothing accepts connections on 127.0.0.1:\(closed) on this machine") == true }, "\(fixture.dump)")
        #expect(fixture.status("test", "hook")?.state == .up)
    }

    static func listenIPv6Loopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        let ok = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 && listen(fd, 8) == 0
            }
        }
        guard ok else { throw TestSupportError("cannot listen on [::1]:\(port): \(String(cString: strerror(errno)))") }
        return fd
    }
}
