import CSessionSocket
import Foundation
import SluiceCore
@testable import SluiceSSH
import SluiceTestSupport
import Testing

@Suite struct LocalForwardTests {
    @Test func carries64MiBEachWayByteExact() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("db", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        let kernelReadsBefore = sluice_session_socket_kernel_reads()
        let result = TCPTestClient.echo(port: port, bytes: 64 << 20, seed: 1)
        // libssh's reads of the session socket went through the read-ahead,
        // unless the run switched it off (SLUICE_READ_AHEAD=0, as
        // scripts/sanitize does); the bytes must be exact either way.
        if SessionSocketSetup.readAheadEnabled {
            #expect(sluice_session_socket_kernel_reads() > kernelReadsBefore)
        }
        #expect(result == TCPTestClient.EchoResult(matched: 64 << 20, exact: true), "\(fixture.dump)")
        #expect(fixture.waitUntil { _ in fixture.status("test", "db")?.openConnections == 0 })
        let status = try #require(fixture.status("test", "db"))
        #expect(status.totalConnections == 1)
        #expect(status.bytesOut == 64 << 20)
        #expect(status.bytesIn == 64 << 20)
        #expect(status.listening == "127.0.0.1:\(port)")
    }
}

extension LocalForwardTests {
    @Test func twoHundredConcurrentConnectionsAreAllByteExact() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("db", "-L \(port):127.0.0.1:\(echo.port)"), "\(fixture.dump)")
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            results.add(TCPTestClient.echo(port: port, bytes: 256 * 1024, seed: UInt64(index + 1)))
        }
        #expect(results.all.count == 200)
        #expect(results.all.allSatisfy { $0.exact }, "\(results.all.filter { !$0.exact }.count) not exact\n\(fixture.dump)")
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "db")?.totalConnections == 200 && fixture.status("test", "db")?.openConnections == 0
        }, "\(fixture.dump)")
    }

    @Test func halfCloseStillDeliversTheReply() throws {
        let fixture = try EngineFixture()
        let reporter = try TCPTestServer(mode: .report)
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("db", "-L \(port):127.0.0.1:\(reporter.port)"), "\(fixture.dump)")
        let result = TCPTestClient.sendThenReadReport(port: port, bytes: 4 << 20, seed: 5)
        #expect(result.report == result.expected, "\(fixture.dump)")
    }

    @Test func refusedTargetClosesTheClientAndSaysWhyButTheForwardStaysUp() throws {
        let fixture = try EngineFixture()
        let refusing = try ClosedPort()
        defer { withExtendedLifetime(refusing) {} }
        let closedPort = refusing.port
        let port = try LoopbackPort.free()
        #expect(try fixture.bringUp("db", "-L \(port):127.0.0.1:\(closedPort)"), "\(fixture.dump)")
        for _ in 0..<2 {
            let fd = TCPTestClient.connect(port: port, timeout: 5)
            #expect(fd >= 0)
            let start = Date()
            var byte: UInt8 = 0
            let count = recv(fd, &byte, 1, 0)
            close(fd)
            #expect(count <= 0, "the client got data from a refused target")
            #expect(Date().timeIntervalSince(start) < 3, "the client was not closed promptly")
        }
        #expect(fixture.waitUntil { _ in fixture.status("test", "db")?.totalConnections == 2 && fixture.status("test", "db")?.openConnections == 0 })
        let status = try #require(fixture.status("test", "db"))
        #expect(status.state == .up)
        #expect(status.lastError == "nothing listens on 127.0.0.1:\(closedPort) on the server (connection refused)")
    }

    @Test func portInUseFailsThatForwardOnlyAndSaysByWhom() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let busyPort = echo.port
        let freePort = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [
            try EngineFixture.forward("busy", "-L \(busyPort):127.0.0.1:\(echo.port)"),
            try EngineFixture.forward("fine", "-L \(freePort):127.0.0.1:\(echo.port)"),
        ])])
        #expect(fixture.waitForState("test", "fine", .up), "\(fixture.dump)")
        #expect(fixture.waitForState("test", "busy", .failed), "\(fixture.dump)")
        let error = fixture.status("test", "busy")?.lastError ?? ""
        #expect(error.hasPrefix("port \(busyPort) is already in use on this machine (by "), "\(error)")
        #expect(error.contains("pid \(getpid())"), "\(error)")
        #expect(TCPTestClient.echo(port: freePort, bytes: 100_000, seed: 9).exact)
    }

    @Test func switchingOneForwardOffLeavesAnotherTransferAlone() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let busyPort = try LoopbackPort.free()
        let otherPort = try LoopbackPort.free()
        let busy = try EngineFixture.forward("busy", "-L \(busyPort):127.0.0.1:\(echo.port)")
        let other = try EngineFixture.forward("other", "-L \(otherPort):127.0.0.1:\(echo.port)")
        fixture.engine.apply([fixture.server(forwards: [busy, other])])
        #expect(fixture.waitForState("test", "other", .up), "\(fixture.dump)")
        #expect(fixture.waitForState("test", "busy", .up), "\(fixture.dump)")
        let results = ConcurrentResults()
        let transfer = Thread { results.add(TCPTestClient.echo(port: busyPort, bytes: 48 << 20, seed: 11)) }
        transfer.start()
        #expect(fixture.waitUntil(timeout: 60) { _ in (fixture.status("test", "busy")?.bytesIn ?? 0) > 1 << 20 })
        var off = other
        off.enabled = false
        fixture.engine.apply([fixture.server(forwards: [busy, off])])
        #expect(fixture.waitForState("test", "other", .off), "\(fixture.dump)")
        #expect(TCPTestClient.connect(port: otherPort, timeout: 2) < 0, "the switched-off listener still accepts")
        #expect(fixture.waitUntil(timeout: 60) { _ in results.all.count == 1 })
        #expect(results.all.first?.exact == true, "\(fixture.dump)")
    }
}

/// Collects results from concurrent work.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [TCPTestClient.EchoResult] = []

    func add(_ result: TCPTestClient.EchoResult) {
        lock.lock()
        results.append(result)
        lock.unlock()
    }

    var all: [TCPTestClient.EchoResult] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
