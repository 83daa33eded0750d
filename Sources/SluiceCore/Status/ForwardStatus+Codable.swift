import Foundation

/// The JSON shape of a forward's status (docs/protocol.md). `state_text` is
/// the word the screen shows ("listening", "active 3", "paused").
extension ForwardStatus: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, state, stateText = "state_text", listening, open, total
        case bytesOut = "bytes_out", bytesIn = "bytes_in", error, paused, since
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(Self.word(for: state), forKey: .state)
        try container.encode(stateWord, forKey: .stateText)
        try container.encodeIfPresent(listening, forKey: .listening)
        try container.encode(openConnections, forKey: .open)
        try container.encode(totalConnections, forKey: .total)
        try container.encode(bytesOut, forKey: .bytesOut)
        try container.encode(bytesIn, forKey: .bytesIn)
        try container.encodeIfPresent(lastError, forKey: .error)
        try container.encodeIfPresent(acceptPause, forKey: .paused)
        try container.encode(since, forKey: .since)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let word = try container.decode(String.self, forKey: .state)
        guard let state = State.allCases.first(where: { Self.word(for: $0) == word }) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "unknown forward state \(word)")
        }
        self.init(name: try container.decode(String.self, forKey: .name), state: state,
                  since: try container.decode(Date.self, forKey: .since))
        listening = try container.decodeIfPresent(String.self, forKey: .listening)
        openConnections = try container.decode(Int.self, forKey: .open)
        totalConnections = try container.decode(Int.self, forKey: .total)
        bytesOut = try container.decode(UInt64.self, forKey: .bytesOut)
        bytesIn = try container.decode(UInt64.self, forKey: .bytesIn)
        lastError = try container.decodeIfPresent(String.self, forKey: .error)
        acceptPause = try container.decodeIfPresent(AcceptPause.self, forKey: .paused)
    }

    private static func word(for state: State) -> String {
        switch state {
        case .off: return "off"
        case .starting: return "starting"
        case .up: return "up"
        case .failed: return "failed"
        }
    }
}

extension ForwardStatus.State: CaseIterable {
    public static let allCases: [ForwardStatus.State] = [.off, .starting, .up, .failed]
}

/// `{"reason": "...", "kind": "connection_limit", "limit": 2048}`: the
/// reason as shown, and the numbers behind it.
extension ForwardStatus.AcceptPause: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, reason, limit, open
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reason, forKey: .reason)
        switch self {
        case .connectionLimit(let limit):
            try container.encode("connection_limit", forKey: .kind)
            try container.encode(limit, forKey: .limit)
        case let .outOfDescriptors(open, limit):
            try container.encode("descriptors", forKey: .kind)
            try container.encode(open, forKey: .open)
            try container.encode(limit, forKey: .limit)
        case .systemShortage:
            try container.encode("system", forKey: .kind)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "connection_limit":
            self = .connectionLimit(try container.decode(Int.self, forKey: .limit))
        case "descriptors":
            self = .outOfDescriptors(open: try container.decode(Int.self, forKey: .open), limit: try container.decode(Int.self, forKey: .limit))
        default:
            self = .systemShortage(try container.decode(String.self, forKey: .reason))
        }
    }
}
