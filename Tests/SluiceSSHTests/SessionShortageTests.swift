import Foundation
import SluiceCore
@testable import SluiceSSH
import SluiceTestSupport
import Testing

/// A server whose session cannot start because the process is out of
/// descriptors says so on the board, and starts once tried again: on a
/// retry, or on the next change applied. The shortage is made by the
/// engine's source of wake-up pipes failing with EMFILE, as pipe() does.
@Suite struct SessionShortageTests {
    static func failing() throws(SystemError) -> WakePipe {
        throw SystemError(operation: "cannot make a pipe", code: EMFILE)
    }

    func startShort(_ fixture: EngineFixture, port: Int, echo: TCPTestServer) throws -> Server {
        fixture.engine.makeWakePipe = { () throws(SystemError) in try Self.failing() }
        let server = fixture.server(forwards: [try EngineFixture.forward("db", "-L \(port):127.0.0.1:\(echo.port)")])
        fixture.engine.apply([server])
        #expect(fixture.waitUntil { servers in
            servers.first { $0.name == "test" }?.lastError?.hasPrefix("cannot start its session: cannot make a pipe: Too many open files") == true
        }, "\(fixture.dump)")
        #expect(LoopbackPort.isFree(port), "a forward of a server without a session is listening")
        fixture.engine.makeWakePipe = { () throws(SystemError) in try WakePipe() }
        return server
    }

    @Test func aRetryStartsIt() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        _ = try startShort(fixture, port: port, echo: echo)
        fixture.engine.retry(server: "test")
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1 << 16, seed: 3).exact, "\(fixture.dump)")
    }

    @Test func theNextChangeAppliedStartsIt() throws {
        let fixture = try EngineFixture()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let server = try startShort(fixture, port: port, echo: echo)
        fixture.engine.apply([server])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: port, bytes: 1 << 16, seed: 4).exact, "\(fixture.dump)")
    }
}
