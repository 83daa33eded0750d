import Foundation
import SluiceControl
import SluiceCore
import SluiceSSH

/// Where session threads leave their answers to a client's questions about
/// connections, for the engine host's thread to send: the host never waits
/// for a session thread (one may be connecting, or waiting for the very
/// person whose answer the host is to pass on). Each answer carries the
/// number the host gave the question (`ticket`); `wake` wakes the host.
final class AnswerMailbox: @unchecked Sendable {
    let wake: WakePipe
    private let lock = NSLock()
    private var answers: [(ticket: Int, body: EngineReply.Body)] = []

    init() throws(SystemError) {
        wake = try WakePipe()
    }

    func post(_ ticket: Int, _ body: EngineReply.Body) {
        lock.withLock { answers.append((ticket, body)) }
        wake.wake()
    }

    /// Every answer left since the last call, oldest first.
    func take() -> [(ticket: Int, body: EngineReply.Body)] {
        lock.withLock {
            defer { answers.removeAll() }
            return answers
        }
    }
}
