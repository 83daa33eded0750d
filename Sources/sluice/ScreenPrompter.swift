import Foundation
import SluiceCore
import SluiceSSH

/// Carries the engine's questions to the screen and the user's answers
/// back. A session thread that asks waits here until the screen answers;
/// the screen's loop collects questions when `wake` fires.
final class ScreenPrompter: Prompter, @unchecked Sendable {
    struct Question {
        var id: Int
        var server: String
        var prompt: Prompt
    }

    private let lock = NSLock()
    private let wake: WakePipe
    private var nextID = 1
    private var waiting: [Question] = []
    private var answers: [Int: PromptAnswer] = [:]
    private var signals: [Int: DispatchSemaphore] = [:]
    private var closed = false

    init(wake: WakePipe) {
        self.wake = wake
    }

    func answer(_ prompt: Prompt, server: String) -> PromptAnswer {
        lock.lock()
        guard !closed else {
            lock.unlock()
            return .cancelled
        }
        let id = nextID
        nextID += 1
        let signal = DispatchSemaphore(value: 0)
        signals[id] = signal
        waiting.append(Question(id: id, server: server, prompt: prompt))
        lock.unlock()
        wake.wake()
        signal.wait()
        lock.lock()
        defer { lock.unlock() }
        return answers.removeValue(forKey: id) ?? .cancelled
    }

    /// Questions asked since the last call.
    func takeQuestions() -> [Question] {
        lock.lock()
        defer { lock.unlock() }
        let taken = waiting
        waiting = []
        return taken
    }

    func reply(_ id: Int, _ answer: PromptAnswer) {
        lock.lock()
        defer { lock.unlock() }
        guard let signal = signals.removeValue(forKey: id) else { return }
        answers[id] = answer
        signal.signal()
    }

    /// Declines every open question and any later one: the screen is closing.
    func close() {
        lock.lock()
        closed = true
        let open = signals
        signals = [:]
        waiting = []
        lock.unlock()
        for signal in open.values { signal.signal() }
    }
}
