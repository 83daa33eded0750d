import Foundation

/// The JSON shape of a server's status, a contract for scripts
/// (docs/protocol.md): plain words for states, and the text Sluice itself
/// shows (`link_text`) so a status bar need not rebuild it.
extension ServerStatus: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, link, attempt, nextAttempt = "next_attempt", linkText = "link_text"
        case error, route, notices, since, forwards
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch link {
        case .idle: try container.encode("off", forKey: .link)
        case .connecting: try container.encode("connecting", forKey: .link)
        case .connected: try container.encode("connected", forKey: .link)
        case .failed: try container.encode("failed", forKey: .link)
        case let .reconnecting(attempt, next):
            try container.encode("reconnecting", forKey: .link)
            try container.encode(attempt, forKey: .attempt)
            try container.encode(next, forKey: .nextAttempt)
        }
        try container.encode(linkWord(), forKey: .linkText)
        try container.encodeIfPresent(lastError, forKey: .error)
        try container.encodeIfPresent(route, forKey: .route)
        if !notices.isEmpty { try container.encode(notices, forKey: .notices) }
        try container.encode(since, forKey: .since)
        try container.encode(forwards, forKey: .forwards)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let link: Link
        switch try container.decode(String.self, forKey: .link) {
        case "off": link = .idle
        case "connecting": link = .connecting
        case "connected": link = .connected
        case "failed": link = .failed
        case "reconnecting":
            link = .reconnecting(attempt: try container.decode(Int.self, forKey: .attempt),
                                 next: try container.decode(Date.self, forKey: .nextAttempt))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .link, in: container, debugDescription: "unknown link state \(other)")
        }
        self.init(name: try container.decode(String.self, forKey: .name), link: link,
                  forwards: try container.decode([ForwardStatus].self, forKey: .forwards),
                  since: try container.decode(Date.self, forKey: .since))
        lastError = try container.decodeIfPresent(String.self, forKey: .error)
        route = try container.decodeIfPresent(String.self, forKey: .route)
        notices = try container.decodeIfPresent([String].self, forKey: .notices) ?? []
    }
}
