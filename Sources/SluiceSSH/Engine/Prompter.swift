import SluiceCore

/// Answers prompts for the engine. Called on a server's session thread,
/// which waits for the answer.
public protocol Prompter: Sendable {
    func answer(_ prompt: Prompt, server: String) -> PromptAnswer
}
