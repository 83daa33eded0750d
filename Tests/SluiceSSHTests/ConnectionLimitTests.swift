import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// A forward holds at most `LinkTuning.maxConnections` connections; the
/// clients beyond wait (-L, -D) or are turned away (-R).
@Suite struct ConnectionLimitTests {
    static func tuning(maxConnections: Int) -> LinkTuning {
        LinkTuning(keepaliveInterval: 15, connectTimeout: 5, maxConnections: maxConnections)
    }

    @Test func aLocalForwardAtItsLimitPausesAcceptingAndResumesWhenConnectionsClose() throws {
        let fixture = try EngineFixture(tuning: Self.tuning(maxConnections: 3))
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("db", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        var held = (0..<3).map { _ in TCPTestClient.connect(port: port) }
        defer { held.forEach { close($0) } }
        for fd in held { #expect(Self.echoes(fd, 1)) }
        #expect(fixture.status("test", "db")?.acceptPause == nil, "at the limit, but no one waits yet")

        // The fourth client is queued by the kernel, not taken.
        let waiting = TCPTestClient.connect(port: port)
        defer { close(waiting) }
        #expect(waiting >= 0)
        var byte: UInt8 = 4
        #expect(send(waiting, &byte, 1, 0) == 1)
        #expect(fixture.waitUntil { _ in fixture.status("test", "db")?.acceptPause == .connectionLimit(3) }, "\(fixture.dump)")
        #expect(fixture.status("test", "db")?.stateWord == "paused")
        #expect(fixture.status("test", "db")?.acceptPause?.description == "accepting paused: 3 connections open, the most one forward takes")
        #expect(!Self.isReadable(waiting, withinSeconds: 1), "a client beyond the limit was served")

        // One leaves: the waiting client is taken and served.
        close(held.removeFirst())
        #expect(recv(waiting, &byte, 1, 0) == 1 && byte == 4, "\(fixture.dump)")
        #expect(fixture.status("test", "db")?.acceptPause == .connectionLimit(3), "at the limit again")
        // Another leaves and no one waits: accepting again, as usual.
        close(held.removeFirst())
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "db")?.acceptPause == nil && fixture.status("test", "db")?.stateWord == "active 2"
        }, "\(fixture.dump)")
        let fresh = TCPTestClient.connect(port: port)
        defer { close(fresh) }
        #expect(Self.echoes(fresh, 5))
        #expect(fixture.waitUntil { _ in fixture.status("test", "db")?.totalConnections == 5 }, "\(fixture.dump)")
    }

    /// The server queues nothing for Sluice: a -R connection beyond the
    /// limit is closed, and the forward says why.
    @Test func aReverseForwardAtItsLimitTurnsNewConnectionsAway() throws {
        let fixture = try EngineFixture(tuning: Self.tuning(maxConnections: 2))
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("hook", "-R \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        let held = (0..<2).map { _ in TCPTestClient.connect(port: port) }
        defer { held.forEach { close($0) } }
        for fd in held { #expect(Self.echoes(fd, 1)) }
        let turnedAway = TCPTestClient.connect(port: port)
        defer { close(turnedAway) }
        var byte: UInt8 = 9
        _ = send(turnedAway, &byte, 1, Int32(MSG_NOSIGNAL))
        #expect(recv(turnedAway, &byte, 1, 0) <= 0, "a connection beyond the limit was carried")
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "hook")?.lastError == "a connection from the server was turned away: 2 connections open, the most one forward takes"
        }, "\(fixture.dump)")
        // The two held connections are untouched.
        for fd in held { #expect(Self.echoes(fd, 2)) }
    }

    static func echoes(_ fd: Int32, _ value: UInt8) -> Bool {
        var byte = value
        guard send(fd, &byte, 1, 0) == 1 else { return false }
        byte = 0
        return recv(fd, &byte, 1, 0) == 1 && byte == value
    }

    static func isReadable(_ fd: Int32, withinSeconds seconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, seconds * 1000) != 0
    }
}
