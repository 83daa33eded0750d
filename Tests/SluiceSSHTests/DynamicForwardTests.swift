import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

@Suite struct DynamicForwardTests {
    func curl(_ arguments: [String]) throws -> Command.Result {
        try Command("/usr/bin/curl", ["-s", "-S", "--max-time", "10", "--noproxy", ""] + arguments, environment: ["PATH": "/usr/bin:/bin"]).run()
    }

    @Test func curlFetchesByDomainNameIPv4AndIPv6Literal() throws {
        let fixture = try EngineFixture()
        let web4 = try HTTPTestServer(address: "127.0.0.1")
        let web6 = try HTTPTestServer(address: "::1")
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")
        let proxy = "127.0.0.1:\(port)"
        // Name resolved on the server's side (SOCKS5 domain address type).
        let byName = try curl(["--socks5-hostname", proxy, web4.url(host: "localhost")])
        #expect(byName.status == 0, "\(byName.stderr)\n\(fixture.dump)")
        #expect(byName.stdout == web4.page)
        let byIPv4 = try curl(["--socks5", proxy, web4.url()])
        #expect(byIPv4.stdout == web4.page, "\(byIPv4.stderr)")
        let byIPv6 = try curl(["--socks5", proxy, web6.url()])
        #expect(byIPv6.stdout == web6.page, "\(byIPv6.stderr)")
        let bySOCKS4a = try curl(["--socks4a", proxy, web4.url(host: "localhost")])
        #expect(bySOCKS4a.stdout == web4.page, "\(bySOCKS4a.stderr)")
        #expect(fixture.waitUntil { _ in fixture.status("test", "socks")?.totalConnections == 4 })
    }

    @Test func refusedTargetGetsSOCKSConnectionRefused() throws {
        let fixture = try EngineFixture()
        let port = try LoopbackPort.free()
        let refusing = try ClosedPort()
        defer { withExtendedLifetime(refusing) {} }
        let closed = refusing.port
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")
        let result = try curl(["--socks5-hostname", "127.0.0.1:\(port)", "http://localhost:\(closed)/"])
        #expect(result.status == 97, "curl: \(result.status) \(result.stderr)")
        // curl prints the SOCKS5 reply code: 5 is "connection refused" (RFC 1928).
        #expect(result.stderr.contains("Can't complete SOCKS5 connection to localhost. (5)"), "\(result.stderr)")
        #expect(fixture.waitUntil { _ in fixture.status("test", "socks")?.lastError?.contains("nothing listens on localhost:\(closed) on the server") == true }, "\(fixture.dump)")
    }

    @Test func malformedOrUnsupportedRequestsCloseOnlyThatConnection() throws {
        let fixture = try EngineFixture()
        let web = try HTTPTestServer()
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")
        // An open, well-behaved client stays served while others misbehave.
        let steady = TCPTestClient.connect(port: port)
        #expect(steady >= 0)
        defer { close(steady) }
        #expect(Self.exchange(steady, [5, 1, 0], expecting: 2) == [5, 0])

        let bind = TCPTestClient.connect(port: port)
        #expect(Self.exchange(bind, [5, 1, 0], expecting: 2) == [5, 0])
        #expect(Self.exchange(bind, [5, 2, 0, 1, 127, 0, 0, 1, 0, 80], expecting: 10) == [5, 7, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(Self.readsEndOfFile(bind))

        for garbage: [UInt8] in [Array("GET / HTTP/1.0\r\n\r\n".utf8), [5], [5, 1, 0, 5, 1, 0, 9]] {
            let fd = TCPTestClient.connect(port: port)
            _ = garbage.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
            shutdown(fd, Int32(SHUT_WR))
            #expect(Self.readsEndOfFile(fd, allowingBytes: true))
        }
        // The steady client still gets its page.
        let request: [UInt8] = [5, 1, 0, 1, 127, 0, 0, 1, UInt8(web.port >> 8), UInt8(web.port & 0xFF)]
        #expect(Self.exchange(steady, request, expecting: 10) == [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        let get = Array("GET /page.txt HTTP/1.0\r\n\r\n".utf8)
        _ = get.withUnsafeBytes { TCPTestClient.sendAll(steady, $0) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(steady, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            reply += chunk[0..<count]
        }
        #expect(String(decoding: reply, as: UTF8.self).hasSuffix(web.page))
        #expect(fixture.status("test", "socks")?.state == .up)
    }

    /// A client that connects and sends nothing, and one that stops half-way
    /// through its request, are closed after the handshake timeout (5 s),
    /// each with its reason on the forward; a client that named its target
    /// stays open however long it is quiet.
    @Test func silentAndUnfinishedSOCKSClientsAreClosedAfterTheTimeout() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")
        let steady = TCPTestClient.connect(port: port, timeout: 30)
        defer { close(steady) }
        #expect(Self.exchange(steady, [5, 1, 0], expecting: 2) == [5, 0])
        let request: [UInt8] = [5, 1, 0, 1, 127, 0, 0, 1, UInt8(echo.port >> 8), UInt8(echo.port & 0xFF)]
        #expect(Self.exchange(steady, request, expecting: 10) == [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])

        let silent = TCPTestClient.connect(port: port, timeout: 30)
        #expect(!Self.isReadable(silent, withinSeconds: 1), "closed before its time")
        #expect(Self.readsEndOfFile(silent))
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "socks")?.lastError == "a client of the SOCKS port sent nothing for 5 s after connecting, and was closed (a SOCKS client speaks first)"
        }, "\(fixture.dump)")

        let unfinished = TCPTestClient.connect(port: port, timeout: 30)
        #expect(Self.exchange(unfinished, [5, 1, 0], expecting: 2) == [5, 0])
        let half: [UInt8] = [5, 1, 0, 3, 9] + Array("local".utf8)
        _ = half.withUnsafeBytes { TCPTestClient.sendAll(unfinished, $0) }
        #expect(!Self.isReadable(unfinished, withinSeconds: 1), "closed before its time")
        #expect(Self.readsEndOfFile(unfinished))
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "socks")?.lastError == "a SOCKS client did not finish its request within 5 s, and was closed"
        }, "\(fixture.dump)")

        // Quiet for over 10 s by now, and still carried.
        #expect(Self.exchange(steady, [1, 2, 3], expecting: 3) == [1, 2, 3])
        #expect(fixture.status("test", "socks")?.openConnections == 1, "\(fixture.dump)")
    }

    static func isReadable(_ fd: Int32, withinSeconds seconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, seconds * 1000) != 0
    }

    static func exchange(_ fd: Int32, _ bytes: [UInt8], expecting count: Int) -> [UInt8] {
        _ = bytes.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
        return TCPTestClient.receive(fd, count: count)
    }

    static func readsEndOfFile(_ fd: Int32, allowingBytes: Bool = false) -> Bool {
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 64)
        while true {
            let got = recv(fd, &chunk, chunk.count, 0)
            if got == 0 { return true }
            if got < 0 { return errno == ECONNRESET }
            if !allowingBytes { return false }
        }
    }
}
