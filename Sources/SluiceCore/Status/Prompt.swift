/// A question only the user can answer, asked while connecting.
public enum Prompt: Sendable, Equatable {
    /// The server's host key is not in known_hosts.
    case unknownHostKey(host: String, keyType: String, fingerprint: String)
    case password(user: String, host: String)
    /// A passphrase for a private key; `text` is what to show.
    case passphrase(text: String)
    /// keyboard-interactive (e.g. a one-time code): one answer per question.
    case keyboardInteractive(host: String, name: String, instruction: String, questions: [Question])

    public struct Question: Sendable, Equatable, Codable {
        public var text: String
        /// False for secrets: do not show what is typed.
        public var echo: Bool

        public init(text: String, echo: Bool) {
            self.text = text
            self.echo = echo
        }
    }
}
