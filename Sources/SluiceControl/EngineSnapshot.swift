import Foundation
import SluiceCore

/// Everything live the engine knows, at one moment: each server's link and
/// forwards, and the questions waiting for a person.
public struct EngineSnapshot: Sendable, Equatable {
    public var servers: [ServerStatus]
    public var prompts: [PendingPrompt]
    /// Why the engine is not following the store right now (it does not
    /// parse); what runs is what the store said before.
    public var storeProblem: String?

    public init(servers: [ServerStatus], prompts: [PendingPrompt] = [], storeProblem: String? = nil) {
        self.servers = servers
        self.prompts = prompts
        self.storeProblem = storeProblem
    }

    /// "waiting for you: open sluice to answer (host key of db)", for a
    /// server with a question nobody has answered yet.
    public func waiting(server: String) -> String? {
        guard let prompt = prompts.first(where: { $0.server == server }) else { return nil }
        return "waiting for you: open sluice to answer (\(prompt.prompt.topic(server: server)))"
    }
}
