import Foundation
import SluiceCore

/// The link of a server that cannot run in this engine: an agent server
/// in an engine made without agent links (a test's, a tool's), or a
/// server added while the process had no descriptor left to start its
/// session with. It says why on the board and carries nothing.
final class UnavailableLink: ServerLink, @unchecked Sendable {
    private let lock = NSLock()
    private var lastApplied: Server
    private let board: StatusBoard
    private let reason: String
    /// Whether trying again may help (a shortage may have passed): the
    /// engine then makes a real link on a retry, or on any change applied.
    let retriable: Bool

    init(server: Server, board: StatusBoard, reason: String, retriable: Bool = false) {
        lastApplied = server
        self.board = board
        self.reason = reason
        self.retriable = retriable
    }

    /// The server as last applied, its forwards included.
    var server: Server { lock.withLock { lastApplied } }

    func serves(_ server: Server) -> Bool { !retriable && server.address == self.server.address }

    func start() {
        var status = ServerStatus(name: server.name, link: .failed,
                                  forwards: server.forwards.map { ForwardStatus(name: $0.name, state: .off) })
        status.lastError = reason
        board.publish(status)
    }

    func setForwards(_ forwards: [Forward]) { lock.withLock { lastApplied.forwards = forwards } }
    func retryNow() {}
    func checkSoon() {}
    func stop(drainUntil: Date?) {}
    func retire() {}
    func waitUntilStopped(timeout: TimeInterval) -> Bool { true }

    func connections(forward: String, reply: @escaping @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void) {
        reply(.failure(.sessionEnded(server: server.name)))
    }

    func closeConnection(_ id: UInt64, forward: String, reply: @escaping @Sendable (Result<Void, ConnectionRequestError>) -> Void) {
        reply(.failure(.sessionEnded(server: server.name)))
    }
}
