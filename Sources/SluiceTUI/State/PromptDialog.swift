import SluiceCore

/// A question from the engine on screen: the prompt, and what the user has
/// typed so far. Answers stay in memory only and go straight to the engine.
public struct PromptDialog: Sendable, Equatable {
    /// Matches the answer to the session thread waiting for it.
    public var id: Int
    public var server: String
    public var prompt: Prompt
    public var fields: [TextField]
    public var focus = 0

    public init(id: Int, server: String, prompt: Prompt) {
        self.id = id
        self.server = server
        self.prompt = prompt
        switch prompt {
        case .unknownHostKey:
            fields = []
        case .password, .passphrase:
            fields = [TextField(isSecret: true)]
        case .keyboardInteractive(_, _, _, let questions):
            fields = questions.map { TextField(isSecret: !$0.echo) }
        }
    }

    public var title: String {
        switch prompt {
        case .unknownHostKey: return "Unknown host key"
        case .password: return "Password"
        case .passphrase: return "Key passphrase"
        case .keyboardInteractive: return "The server asks"
        }
    }

    /// The answer made of what was typed.
    var typedAnswer: PromptAnswer {
        if case .keyboardInteractive = prompt { return .texts(fields.map(\.text)) }
        return .text(fields.first?.text ?? "")
    }
}
