import Foundation
import SluiceControl
import SluiceCore
import SluiceSSH

/// Takes the engine's questions to where a person is. While a screen is
/// attached, questions wait for it (the first answer from any screen wins);
/// with none, a terminal the engine runs on is asked, if there is one;
/// otherwise the question waits, and the status says so, until a screen
/// opens. With `waitForPerson` off (scripts: `--exit-on-failure`) a
/// question nobody is there for is answered `.unavailable` at once, and
/// the engine explains how to proceed.
public final class PromptRouter: Prompter, @unchecked Sendable {
    private final class Waiting {
        let question: PendingPrompt
        let signal = DispatchSemaphore(value: 0)
        var answer: PromptAnswer?

        init(_ question: PendingPrompt) {
            self.question = question
        }
    }

    private let lock = NSLock()
    private let terminal: (any Prompter)?
    private let waitForPerson: Bool
    private let changed: @Sendable () -> Void
    /// Numbers start anywhere: a screen that outlived an engine must not
    /// take the new engine's question 1 for the old one's.
    private var nextID = Int.random(in: 1..<(1 << 30))
    private var waiting: [Waiting] = []
    private var screens = 0
    private var closed = false

    /// `changed` is called (on any thread) when the set of open questions changes.
    public init(terminal: (any Prompter)?, waitForPerson: Bool, changed: @escaping @Sendable () -> Void) {
        self.terminal = terminal
        self.waitForPerson = waitForPerson
        self.changed = changed
    }

    public func answer(_ prompt: Prompt, server: String) -> PromptAnswer {
        lock.lock()
        if closed {
            lock.unlock()
            return .cancelled
        }
        if screens == 0 {
            if let terminal {
                lock.unlock()
                return terminal.answer(prompt, server: server)
            }
            if !waitForPerson {
                lock.unlock()
                return .unavailable
            }
        }
        let entry = Waiting(PendingPrompt(id: nextID, server: server, prompt: prompt))
        nextID += 1
        waiting.append(entry)
        lock.unlock()
        changed()
        entry.signal.wait()
        lock.lock()
        defer { lock.unlock() }
        return entry.answer ?? .cancelled
    }

    /// The questions waiting, oldest first.
    public var open: [PendingPrompt] {
        lock.lock()
        defer { lock.unlock() }
        return waiting.map(\.question)
    }

    public enum ReplyProblem: Error, Equatable {
        /// Answered already (by another screen), or never asked.
        case notOpen
        /// An answer of another kind than the question takes (a text to a
        /// host key): never passed on, it may be a secret meant elsewhere.
        case wrongKind
    }

    /// Gives `answer` to question `id`.
    public func reply(_ id: Int, _ answer: PromptAnswer) throws(ReplyProblem) {
        lock.lock()
        guard let index = waiting.firstIndex(where: { $0.question.id == id }) else {
            lock.unlock()
            throw .notOpen
        }
        guard Self.fits(answer, waiting[index].question.prompt) else {
            lock.unlock()
            throw .wrongKind
        }
        let entry = waiting.remove(at: index)
        entry.answer = answer
        lock.unlock()
        entry.signal.signal()
        changed()
    }

    private static func fits(_ answer: PromptAnswer, _ prompt: Prompt) -> Bool {
        switch (prompt, answer) {
        case (_, .cancelled): return true
        case (.unknownHostKey, .acceptHostKeyOnce), (.unknownHostKey, .acceptAndSaveHostKey): return true
        case (.password, .text), (.passphrase, .text): return true
        case let (.keyboardInteractive(_, _, _, questions), .texts(texts)): return texts.count == questions.count
        default: return false
        }
    }

    /// A screen attached or left.
    public func screenAttached() {
        lock.lock()
        screens += 1
        lock.unlock()
    }

    /// With the last screen gone and nobody to wait for (scripts), the
    /// questions it left open are answered `.unavailable`.
    public func screenDetached() {
        lock.lock()
        screens -= 1
        var gone: [Waiting] = []
        if screens == 0 && !waitForPerson {
            gone = waiting
            waiting = []
        }
        lock.unlock()
        for entry in gone {
            entry.answer = .unavailable
            entry.signal.signal()
        }
        if !gone.isEmpty { changed() }
    }

    /// Declines every open question of `server` (it was removed or stopped).
    public func cancel(server: String) {
        lock.lock()
        let gone = waiting.filter { $0.question.server == server }
        waiting.removeAll { $0.question.server == server }
        lock.unlock()
        for entry in gone { entry.signal.signal() }
        if !gone.isEmpty { changed() }
    }

    /// Declines every open question and any later one: the engine is stopping.
    public func close() {
        lock.lock()
        closed = true
        let gone = waiting
        waiting = []
        lock.unlock()
        for entry in gone { entry.signal.signal() }
        if !gone.isEmpty { changed() }
    }
}
