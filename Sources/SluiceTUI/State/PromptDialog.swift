import SluiceCore

/// A question from the engine on screen: the prompt, and what the user has
/// typed so far. Answers stay in memory only and go straight to the engine.
public struct PromptDialog: Sendable, Equatable {
    /// Keys read sooner than this after a dialog appeared are dropped. A
    /// question can pop up at any moment (a reconnect in the background),
    /// right under keys the user meant for the screen behind it; half a
    /// second is longer than typing runs on but shorter than reading the
    /// question takes.
    public static let typeAheadGuard = Duration.milliseconds(500)

    /// Matches the answer to the session thread waiting for it.
    public var id: Int
    public var server: String
    public var prompt: Prompt
    /// One per answer: the secret, each keyboard-interactive question, or
    /// the word that answers a host key.
    public var fields: [TextField]
    public var focus = 0
    /// Since when the dialog is the one on screen.
    public var shownSince: ContinuousClock.Instant
    /// Enter was pressed on a host-key answer that is none of the words:
    /// the hint stays until an answer is taken, as OpenSSH's "Please type
    /// 'yes', 'no' or the fingerprint" does.
    public var isAnswerUnclear = false

    public init(id: Int, server: String, prompt: Prompt, shownSince: ContinuousClock.Instant) {
        self.id = id
        self.server = server
        self.prompt = prompt
        self.shownSince = shownSince
        switch prompt {
        case .unknownHostKey:
            fields = [TextField()]
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

    /// False for a key read before the guard time after the dialog appeared.
    func takesKeys(readAt time: ContinuousClock.Instant) -> Bool {
        time >= shownSince + Self.typeAheadGuard
    }

    /// The answer made of what was typed; nil when a host-key answer is
    /// none of the words it takes.
    var typedAnswer: PromptAnswer? {
        switch prompt {
        case .unknownHostKey(_, _, let fingerprint): return PromptAnswer(hostKeyReply: fields[0].text, fingerprint: fingerprint)
        case .password, .passphrase: return .text(fields[0].text)
        case .keyboardInteractive: return .texts(fields.map(\.text))
        }
    }
}
