import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// The server's line says what its session does, whatever the user
/// switches while the link is down: a link no forward wants is off, at
/// once and for good, and one wanted again is tried again from the start.
@Suite(.serialized) struct LinkStateTests {
    private static let tuning = LinkTuning(reconnectInitial: 0.2, reconnectMaximum: 1, connectTimeout: 5)

    /// Server "down": nothing listens on its port.
    private func down(_ closed: ClosedPort, enabled: Bool, listenPort: Int) throws -> Server {
        Server(name: "down", destination: Destination(user: CurrentUser.name, host: "127.0.0.1", port: closed.port),
               forwards: [try EngineFixture.forward("local", "-L \(listenPort):127.0.0.1:9", enabled: enabled)])
    }

    private func link(_ fixture: EngineFixture) -> ServerStatus.Link? {
        fixture.engine.board.server(named: "down")?.link
    }

    /// Waits until the session has failed `attempts` times in a row, so it
    /// is in a pause between attempts.
    private func waitForAttempt(_ attempts: Int, _ fixture: EngineFixture) -> Bool {
        fixture.waitUntil(timeout: 20) { _ in
            if case .reconnecting(let attempt, _)? = link(fixture) { return attempt >= attempts }
            return false
        }
    }

    /// True if `condition` held at every look for `seconds`.
    private func holds(for seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !condition() { return false }
            usleep(20_000)
        }
        return condition()
    }

    /// As the screen's `c` does it: the store switches every forward of a
    /// server off while the session waits between reconnect attempts.
    @Test func switchingEveryForwardOffWhileReconnectingTurnsTheLinkOffForGood() throws {
        let fixture = try EngineFixture(tuning: Self.tuning)
        let closed = try ClosedPort()
        let port = try LoopbackPort.free()
        fixture.engine.apply([try down(closed, enabled: true, listenPort: port)])
        #expect(waitForAttempt(3, fixture), "\(fixture.dump)")

        fixture.engine.apply([try down(closed, enabled: false, listenPort: port)])
        #expect(fixture.waitUntil(timeout: 2) { _ in link(fixture) == .idle }, "still: \(fixture.dump)")
        #expect(holds(for: 2) {
            let server = fixture.engine.board.server(named: "down")
            return server?.link == .idle && server?.linkWord() == "off" && server?.lastError == nil
                && server?.forward(named: "local")?.state == .off
        }, "\(fixture.dump)")
        #expect(LoopbackPort.isFree(port), "the listener is closed")

        // Wanted again: tried at once, counting from the first attempt.
        fixture.engine.apply([try down(closed, enabled: true, listenPort: port)])
        #expect(fixture.waitUntil(timeout: 5) { _ in
            switch link(fixture) {
            case .connecting?: return true
            case .reconnecting(let attempt, _)?: return attempt <= 2
            default: return false
            }
        }, "\(fixture.dump)")
        #expect(waitForAttempt(2, fixture), "it keeps trying: \(fixture.dump)")
        withExtendedLifetime(closed) {}
    }

    @Test func aServerRemovedWhileReconnectingLeavesTheBoard() throws {
        let fixture = try EngineFixture(tuning: Self.tuning)
        let closed = try ClosedPort()
        fixture.engine.apply([try down(closed, enabled: true, listenPort: try LoopbackPort.free())])
        #expect(waitForAttempt(2, fixture), "\(fixture.dump)")
        fixture.engine.apply([])
        #expect(holds(for: 2) { fixture.engine.board.server(named: "down") == nil }, "\(fixture.dump)")
        withExtendedLifetime(closed) {}
    }

    /// A server that accepts the TCP connection and never says a word
    /// keeps its session thread in a blocking connect for the whole
    /// connect timeout, longer than removing the server waits for it. The
    /// session's late words must not bring the server back to the board.
    @Test func aServerRemovedDuringALongConnectDoesNotComeBack() throws {
        let fixture = try EngineFixture(tuning: Self.tuning)
        let (silent, port) = try LoopbackPort.listen()
        defer { close(silent) }
        let server = Server(name: "down", destination: Destination(user: CurrentUser.name, host: "127.0.0.1", port: port),
                            forwards: [try EngineFixture.forward("local", "-L \(try LoopbackPort.free()):127.0.0.1:9")])
        fixture.engine.apply([server])
        #expect(fixture.waitUntil(timeout: 5) { _ in link(fixture) == .connecting }, "\(fixture.dump)")
        fixture.engine.apply([])
        // Past the end of the connect timeout, when the session gives up.
        #expect(holds(for: Double(Self.tuning.connectTimeout) + 1) { fixture.engine.board.server(named: "down") == nil }, "\(fixture.dump)")
    }
}
