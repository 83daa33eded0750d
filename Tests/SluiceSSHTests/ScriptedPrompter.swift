import Foundation
import SluiceCore
import SluiceSSH

/// Answers the engine's prompts from a script and remembers what was asked.
final class ScriptedPrompter: Prompter, @unchecked Sendable {
    private let lock = NSLock()
    private var asked: [Prompt] = []
    private let script: @Sendable (Prompt) -> PromptAnswer

    init(_ script: @escaping @Sendable (Prompt) -> PromptAnswer = { _ in .unavailable }) {
        self.script = script
    }

    func answer(_ prompt: Prompt, server: String) -> PromptAnswer {
        lock.lock()
        asked.append(prompt)
        lock.unlock()
        return script(prompt)
    }

    var prompts: [Prompt] {
        lock.lock()
        defer { lock.unlock() }
        return asked
    }
}
