import Foundation

/// The JSON shape of a question (docs/protocol.md):
/// `{"kind": "host_key", "host": ..., "key_type": ..., "fingerprint": ...}`,
/// `{"kind": "password", "user": ..., "host": ...}`,
/// `{"kind": "passphrase", "text": ...}`,
/// `{"kind": "keyboard_interactive", "host", "name", "instruction", "questions": [{"text", "echo"}]}`.
extension Prompt: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, host, keyType = "key_type", fingerprint, user, text, name, instruction, questions
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .unknownHostKey(host, keyType, fingerprint):
            try container.encode("host_key", forKey: .kind)
            try container.encode(host, forKey: .host)
            try container.encode(keyType, forKey: .keyType)
            try container.encode(fingerprint, forKey: .fingerprint)
        case let .password(user, host):
            try container.encode("password", forKey: .kind)
            try container.encode(user, forKey: .user)
            try container.encode(host, forKey: .host)
        case .passphrase(let text):
            try container.encode("passphrase", forKey: .kind)
            try container.encode(text, forKey: .text)
        case let .keyboardInteractive(host, name, instruction, questions):
            try container.encode("keyboard_interactive", forKey: .kind)
            try container.encode(host, forKey: .host)
            try container.encode(name, forKey: .name)
            try container.encode(instruction, forKey: .instruction)
            try container.encode(questions, forKey: .questions)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "host_key":
            self = .unknownHostKey(host: try container.decode(String.self, forKey: .host),
                                   keyType: try container.decode(String.self, forKey: .keyType),
                                   fingerprint: try container.decode(String.self, forKey: .fingerprint))
        case "password":
            self = .password(user: try container.decode(String.self, forKey: .user), host: try container.decode(String.self, forKey: .host))
        case "passphrase":
            self = .passphrase(text: try container.decode(String.self, forKey: .text))
        case "keyboard_interactive":
            self = .keyboardInteractive(host: try container.decode(String.self, forKey: .host),
                                        name: try container.decode(String.self, forKey: .name),
                                        instruction: try container.decode(String.self, forKey: .instruction),
                                        questions: try container.decode([Question].self, forKey: .questions))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown prompt kind \(other)")
        }
    }

    /// What the question is about, in a few words: "host key of db".
    public func topic(server: String) -> String {
        switch self {
        case .unknownHostKey: return "host key of \(server)"
        case .password: return "password for \(server)"
        case .passphrase: return "key passphrase for \(server)"
        case .keyboardInteractive: return "login questions of \(server)"
        }
    }
}



/// `{"kind": "accept_once" | "accept_and_save" | "cancel"}`,
/// `{"kind": "text", "text": ...}`, `{"kind": "texts", "texts": [...]}`.
extension PromptAnswer: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, text, texts
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .acceptHostKeyOnce: try container.encode("accept_once", forKey: .kind)
        case .acceptAndSaveHostKey: try container.encode("accept_and_save", forKey: .kind)
        case .text(let text):
            try container.encode("text", forKey: .kind)
            try container.encode(text, forKey: .text)
        case .texts(let texts):
            try container.encode("texts", forKey: .kind)
            try container.encode(texts, forKey: .texts)
        case .cancelled: try container.encode("cancel", forKey: .kind)
        case .unavailable: try container.encode("unavailable", forKey: .kind)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "accept_once": self = .acceptHostKeyOnce
        case "accept_and_save": self = .acceptAndSaveHostKey
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "texts": self = .texts(try container.decode([String].self, forKey: .texts))
        case "cancel": self = .cancelled
        case "unavailable": self = .unavailable
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown answer kind \(other)")
        }
    }
}
