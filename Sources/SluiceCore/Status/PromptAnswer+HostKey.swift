import Foundation

extension PromptAnswer {
    /// The answer typed to an unknown host key, taken as OpenSSH takes it:
    /// `yes` (or the fingerprint itself, pasted) trusts the key and saves it,
    /// `once` trusts it for this session, `no` rejects it; case and blanks
    /// around the word do not matter. Anything else is nil: ask again.
    ///
    /// A word, not a letter, because a key that is trusted is trusted for
    /// good: one keystroke meant for something else must not do it.
    public init?(hostKeyReply typed: String, fingerprint: String) {
        let reply = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        switch reply.lowercased() {
        case "yes": self = .acceptAndSaveHostKey
        case "once": self = .acceptHostKeyOnce
        case "no": self = .cancelled
        default:
            guard !reply.isEmpty, reply == fingerprint else { return nil }
            self = .acceptAndSaveHostKey
        }
    }
}
