import Foundation

/// The JSON shape of a connection (docs/protocol.md):
/// `{"id":7,"client":"127.0.0.1:53122","destination":"127.0.0.1:5432",
/// "opened":"...","bytes_out":120,"bytes_in":4096,"state":"relaying"}`.
extension ConnectionStatus: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, client, destination, openedAt = "opened", bytesOut = "bytes_out", bytesIn = "bytes_in", state
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(client, forKey: .client)
        try container.encodeIfPresent(destination, forKey: .destination)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(bytesOut, forKey: .bytesOut)
        try container.encode(bytesIn, forKey: .bytesIn)
        try container.encode(state.rawValue, forKey: .state)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let word = try container.decode(String.self, forKey: .state)
        guard let state = State(rawValue: word) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "unknown connection state \(word)")
        }
        self.init(id: try container.decode(UInt64.self, forKey: .id),
                  client: try container.decode(String.self, forKey: .client),
                  destination: try container.decodeIfPresent(String.self, forKey: .destination),
                  openedAt: try container.decode(Date.self, forKey: .openedAt),
                  bytesOut: try container.decode(UInt64.self, forKey: .bytesOut),
                  bytesIn: try container.decode(UInt64.self, forKey: .bytesIn),
                  state: state)
    }
}
