import SluiceCore

/// The engine's reply to a request that carried an `"id"` (see
/// TaggedRequest), marked `"reply_to"` with it; and the reply to a
/// `connections` request, with or without an id. Everything else the
/// engine sends is an EngineMessage. ControlClient keeps the two apart:
/// replies wait in `takeReplies()`, the stream in `available()`.
///
/// `{"type":"connections","reply_to":3,"server":"db","forward":"L5432","connections":[...]}`,
/// `{"type":"ok","reply_to":4}`, `{"type":"error","reply_to":4,"message":"connection 7 is already closed"}`.
public struct EngineReply: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case connections(ConnectionList)
        /// Any other reply, as the message of its kind: `.ok`, `.error`,
        /// `.snapshot` (to status), `.stopping` (to stop).
        case message(EngineMessage)
    }

    /// The request's id; nil for a `connections` request that had none.
    public var requestID: Int?
    public var body: Body

    public init(to requestID: Int?, _ body: Body) {
        self.requestID = requestID
        self.body = body
    }

    /// The refusal's words, if it is one.
    public var refusal: String? {
        if case .message(.error(let message)) = body { return message }
        return nil
    }
}

extension EngineReply: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, replyTo = "reply_to", server, forward, connections
    }

    public func encode(to encoder: Encoder) throws {
        switch body {
        case .connections(let list):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("connections", forKey: .type)
            try container.encode(list.server, forKey: .server)
            try container.encode(list.forward, forKey: .forward)
            try container.encode(list.connections, forKey: .connections)
        case .message(let message):
            try message.encode(to: encoder)
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(requestID, forKey: .replyTo)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestID = try container.decodeIfPresent(Int.self, forKey: .replyTo)
        if try container.decode(String.self, forKey: .type) == "connections" {
            body = .connections(ConnectionList(server: try container.decode(String.self, forKey: .server),
                                               forward: try container.decode(String.self, forKey: .forward),
                                               connections: try container.decode([ConnectionStatus].self, forKey: .connections)))
        } else {
            body = .message(try EngineMessage(from: decoder))
        }
    }
}
