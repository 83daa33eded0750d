import Foundation
import SluiceCore
import SluiceSSH

extension Engine {
    /// Asks for a forward's connections and waits for the answer; nil if
    /// none came within `timeout`.
    func connectionsNow(server: String = "test", forward: String, timeout: TimeInterval = 10) -> Result<[ConnectionStatus], ConnectionRequestError>? {
        let answer = Answer<Result<[ConnectionStatus], ConnectionRequestError>>()
        connections(server: server, forward: forward) { answer.give($0) }
        return answer.wait(timeout: timeout)
    }

    /// Closes a connection and waits for the answer; nil if none came.
    func closeNow(_ id: UInt64, server: String = "test", forward: String, timeout: TimeInterval = 10) -> Result<Void, ConnectionRequestError>? {
        let answer = Answer<Result<Void, ConnectionRequestError>>()
        closeConnection(id, server: server, forward: forward) { answer.give($0) }
        return answer.wait(timeout: timeout)
    }
}

/// One answer handed from the thread that gives it to the one that waits.
final class Answer<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    func give(_ given: Value) {
        condition.lock()
        value = given
        condition.broadcast()
        condition.unlock()
    }

    func wait(timeout: TimeInterval) -> Value? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while value == nil && condition.wait(until: deadline) {}
        return value
    }
}
