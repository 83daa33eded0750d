/// The user's reply to a `Prompt`.
public enum PromptAnswer: Sendable, Equatable {
    case acceptHostKeyOnce
    case acceptAndSaveHostKey
    case text(String)
    case texts([String])
    /// The user declined.
    case cancelled
    /// Nobody can be asked (no terminal); the engine then fails with a
    /// message that says how to proceed.
    case unavailable
}
