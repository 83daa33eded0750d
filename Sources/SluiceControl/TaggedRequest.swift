/// A request as it travels: any request may carry `"id"`, a number its
/// client picks, and the engine's reply to it then carries the same number
/// as `"reply_to"` (an EngineReply). A client that also watches needs it:
/// snapshots and events come between replies, and a `connections` or
/// `close` reply comes when the server's session answers, which may be
/// after replies to later requests.
public struct TaggedRequest: Sendable, Equatable {
    public var id: Int?
    public var request: ControlRequest

    public init(id: Int? = nil, _ request: ControlRequest) {
        self.id = id
        self.request = request
    }
}

/// The request's own fields, with `"id"` beside them in the same object.
extension TaggedRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case id
    }

    public func encode(to encoder: Encoder) throws {
        try request.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
    }

    public init(from decoder: Decoder) throws {
        request = try ControlRequest(from: decoder)
        id = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .id)
    }
}
