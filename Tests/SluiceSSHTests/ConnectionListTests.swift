import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// A forward's open connections as a connections view asks for them: who
/// connected, where to, since when, bytes each way, and in what state; and
/// closing one, which both ends see.
@Suite struct ConnectionListTests {
    private func send(_ fd: Int32, _ count: Int, byte: UInt8) -> Bool {
        let bytes = [UInt8](repeating: byte, count: count)
        return bytes.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
    }

    private func list(_ fixture: EngineFixture, _ forward: String) -> [ConnectionStatus] {
        (try? fixture.engine.connectionsNow(forward: forward)?.get()) ?? []
    }

    @Test func aLocalConnectionShowsItsClientTargetBytesAndStateAndIsClosedByItsNumber() throws {
        let fixture = try EngineFixture()
        let target = try TargetListener()
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("local", "-L \(port):127.0.0.1:\(target.port)"), "\(fixture.dump)")
        let startedAt = Date()

        let client = TCPTestClient.connect(port: port)
        try #require(client >= 0)
        defer { close(client) }
        let served = target.accept()
        try #require(served >= 0, "the connection never reached the target")
        defer { close(served) }
        #expect(send(client, 1000, byte: 1))
        #expect(TCPTestClient.receive(served, count: 1000).count == 1000)
        #expect(send(served, 3000, byte: 2))
        #expect(TCPTestClient.receive(client, count: 3000).count == 3000)

        let listed = list(fixture, "local")
        try #require(listed.count == 1, "\(listed)\n\(fixture.dump)")
        let first = listed[0]
        #expect(first.client == "127.0.0.1:\(TargetListener.localPort(of: client))")
        #expect(first.destination == "127.0.0.1:\(target.port)")
        #expect(first.bytesOut == 1000 && first.bytesIn == 3000, "\(first)")
        #expect(first.state == .relaying)
        #expect(first.id > 0)
        #expect(first.openedAt >= startedAt.addingTimeInterval(-1) && first.openedAt <= Date())

        // A second client half-closes: closing while the target still talks.
        let second = TCPTestClient.connect(port: port)
        try #require(second >= 0)
        defer { close(second) }
        let servedSecond = target.accept()
        try #require(servedSecond >= 0)
        defer { close(servedSecond) }
        shutdown(second, Int32(SHUT_WR))
        #expect(TargetListener.seesClose(servedSecond), "the client's EOF reaches the target")
        #expect(fixture.waitUntil(timeout: 10) { _ in
            list(fixture, "local").map(\.state) == [.relaying, .closing]
        }, "\(list(fixture, "local"))")
        let secondID = try #require(list(fixture, "local").last?.id)
        #expect(secondID > first.id, "numbers follow the order connections came in")
        #expect(send(servedSecond, 10, byte: 3), "the other way still carries")
        #expect(TCPTestClient.receive(second, count: 10).count == 10)

        // Closed by its number: the client sees the cut, the target the end.
        let closed = fixture.engine.closeNow(first.id, forward: "local")
        #expect(closed.map { (try? $0.get()) != nil } == true, "\(String(describing: closed))")
        #expect(TargetListener.seesClose(client), "the client sees the close")
        #expect(TargetListener.seesClose(served), "the target sees the close")
        #expect(list(fixture, "local").map(\.id) == [secondID])
        #expect(fixture.waitUntil(timeout: 5) { _ in fixture.status("test", "local")?.openConnections == 1 }, "\(fixture.dump)")
        #expect(fixture.status("test", "local")?.lastError == nil, "a close asked for is no failure")

        // What cannot be closed says why.
        #expect(fixture.engine.closeNow(first.id, forward: "local").flatMap(Self.failure) == .alreadyClosed(first.id))
        #expect(ConnectionRequestError.alreadyClosed(first.id).description == "connection \(first.id) is already closed")
        #expect(fixture.engine.closeNow(1 << 40, forward: "local").flatMap(Self.failure) == .noSuchConnection(1 << 40))
        #expect(fixture.engine.closeNow(secondID, forward: "other").flatMap(Self.failure) == .unknownForward(server: "test", forward: "other"))
        #expect(fixture.engine.connectionsNow(server: "nowhere", forward: "local").flatMap(Self.failure) == .unknownServer("nowhere"))
        #expect(fixture.engine.connectionsNow(forward: "other").flatMap(Self.failure) == .unknownForward(server: "test", forward: "other"))
        #expect(list(fixture, "local").count == 1, "the second is untouched")
    }

    @Test func aSOCKSConnectionShowsTheDestinationItsClientAskedFor() throws {
        let fixture = try EngineFixture()
        let target = try TargetListener()
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("socks", "-D \(port)"), "\(fixture.dump)")

        // Connected, has not said where to.
        let quiet = TCPTestClient.connect(port: port)
        try #require(quiet >= 0)
        defer { close(quiet) }
        #expect(fixture.waitUntil(timeout: 5) { _ in list(fixture, "socks").count == 1 })
        let waiting = try #require(list(fixture, "socks").first)
        #expect(waiting.destination == nil && waiting.state == .opening, "\(waiting)")
        #expect(waiting.client == "127.0.0.1:\(TargetListener.localPort(of: quiet))")

        // Asks for a name, resolved on the server's side.
        let asking = TCPTestClient.connect(port: port)
        try #require(asking >= 0)
        defer { close(asking) }
        #expect(DynamicForwardTests.exchange(asking, [5, 1, 0], expecting: 2) == [5, 0])
        let name = Array("localhost".utf8)
        let request: [UInt8] = [5, 1, 0, 3, UInt8(name.count)] + name + [UInt8(target.port >> 8), UInt8(target.port & 0xFF)]
        #expect(DynamicForwardTests.exchange(asking, request, expecting: 10).prefix(2) == [5, 0])
        let served = target.accept()
        try #require(served >= 0)
        defer { close(served) }
        #expect(send(asking, 5, byte: 4))
        #expect(TCPTestClient.receive(served, count: 5).count == 5)

        let listed = list(fixture, "socks")
        try #require(listed.count == 2, "\(listed)")
        #expect(listed[0].id == waiting.id && listed[0].destination == nil)
        let named = listed[1]
        #expect(named.destination == "localhost:\(target.port)", "\(named)")
        #expect(named.state == .relaying)
        #expect(named.bytesOut == 5, "the request itself does not count: \(named)")

        #expect(fixture.engine.closeNow(named.id, forward: "socks").map { (try? $0.get()) != nil } == true)
        #expect(TargetListener.seesClose(asking))
        #expect(TargetListener.seesClose(served))
    }

    /// For -R, the client is on the server's side: the address the server
    /// says it came from.
    @Test func aReverseConnectionShowsWhereTheServerSaysItCameFrom() throws {
        let fixture = try EngineFixture()
        let target = try TargetListener()
        let remotePort = try LoopbackPort.free()
        #expect(try fixture.bringUp("reverse", "-R \(remotePort):127.0.0.1:\(target.port)"), "\(fixture.dump)")
        let client = TCPTestClient.connect(port: remotePort)
        try #require(client >= 0)
        defer { close(client) }
        let served = target.accept()
        try #require(served >= 0, "\(fixture.dump)")
        defer { close(served) }
        #expect(send(client, 100, byte: 5))
        #expect(TCPTestClient.receive(served, count: 100).count == 100)

        #expect(fixture.waitUntil(timeout: 5) { _ in list(fixture, "reverse").first?.state == .relaying })
        let listed = try #require(list(fixture, "reverse").first)
        #expect(listed.client == "127.0.0.1:\(TargetListener.localPort(of: client))", "\(listed)")
        #expect(listed.destination == "127.0.0.1:\(target.port)")
        // Bytes from the server's side toward this machine's are "in".
        #expect(listed.bytesIn == 100 && listed.bytesOut == 0, "\(listed)")

        #expect(fixture.engine.closeNow(listed.id, forward: "reverse").map { (try? $0.get()) != nil } == true)
        #expect(TargetListener.seesClose(served), "the local target sees the cut")
        #expect(TargetListener.seesClose(client), "the client on the server's side sees the close")
    }

    /// Clients held while the link is down are listed, and closed, like
    /// any other; while the session sits in a long connect, the list is
    /// still answered at once.
    @Test func heldClientsAreListedAndClosedAndTheListIsAnsweredDuringALongConnect() throws {
        let fixture = try EngineFixture(tuning: LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 0.5, connectTimeout: 8))
        // Bound, not listening: refused until the test listens on it; then
        // it accepts and never says a word, so a connect waits it out.
        let (server, serverPort) = try Self.boundSocket()
        defer { close(server) }
        let port = try LoopbackPort.free()
        fixture.engine.apply([Server(name: "test", destination: Destination(user: CurrentUser.name, host: "127.0.0.1", port: serverPort),
                                     forwards: [try EngineFixture.forward("local", "-L \(port):127.0.0.1:9")])])
        #expect(fixture.waitUntil { servers in
            if case .reconnecting? = servers.first?.link { return true }
            return false
        }, "\(fixture.dump)")

        let first = TCPTestClient.connect(port: port, timeout: 20)
        let second = TCPTestClient.connect(port: port, timeout: 3)
        try #require(first >= 0 && second >= 0)
        defer { close(first); close(second) }
        #expect(fixture.waitUntil(timeout: 5) { _ in list(fixture, "local").count == 2 }, "\(fixture.dump)")
        let held = list(fixture, "local")
        #expect(held.allSatisfy { $0.state == .opening && $0.destination == "127.0.0.1:9" }, "\(held)")
        #expect(held.map(\.client) == [first, second].map { "127.0.0.1:\(TargetListener.localPort(of: $0))" })

        #expect(fixture.engine.closeNow(held[1].id, forward: "local").map { (try? $0.get()) != nil } == true)
        // Within its 3 s receive timeout, long before its hold would end.
        #expect(TargetListener.seesClose(second))

        #expect(Glibc.listen(server, 8) == 0)
        #expect(fixture.waitUntil(timeout: 5) { servers in servers.first?.link == .connecting }, "\(fixture.dump)")
        let duringConnect = fixture.engine.connectionsNow(forward: "local", timeout: 3)
        #expect(fixture.engine.board.server(named: "test")?.link == .connecting, "asked and answered while connecting")
        let answered = try #require(try duringConnect?.get(), "no answer while the session connects")
        #expect(answered.map(\.id) == [held[0].id] && answered.first?.state == .opening, "\(answered)")
    }

    private static func failure<Value>(_ result: Result<Value, ConnectionRequestError>) -> ConnectionRequestError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// A socket bound to a free 127.0.0.1 port, not listening.
    private static func boundSocket() throws -> (Int32, Int) {
        for _ in 0..<20 {
            let port = try LoopbackPort.free()
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = LoopbackPort.address(port: port)
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if bound { return (fd, port) }
            close(fd)
        }
        throw TestSupportError("no loopback port could be bound")
    }
}
