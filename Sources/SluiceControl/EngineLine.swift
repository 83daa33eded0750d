/// One line from the engine, as a client reads it: part of the stream
/// (hello, a watch's snapshots and events, replies to requests without an
/// id), or a reply to a request with one (see EngineReply).
public enum EngineLine: Sendable, Equatable {
    case message(EngineMessage)
    case reply(EngineReply)
}

extension EngineLine: Decodable {
    private enum CodingKeys: String, CodingKey {
        case type, replyTo = "reply_to"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decodeIfPresent(String.self, forKey: .type)
        if container.contains(.replyTo) || type == "connections" {
            self = .reply(try EngineReply(from: decoder))
        } else {
            self = .message(try EngineMessage(from: decoder))
        }
    }
}
