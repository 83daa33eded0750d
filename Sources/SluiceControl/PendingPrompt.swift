import SluiceCore

/// A question a server's session waits on; `id` is what an answer names.
public struct PendingPrompt: Sendable, Equatable, Codable {
    public var id: Int
    public var server: String
    public var prompt: Prompt

    public init(id: Int, server: String, prompt: Prompt) {
        self.id = id
        self.server = server
        self.prompt = prompt
    }
}
