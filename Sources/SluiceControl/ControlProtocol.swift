import Foundation

/// The control protocol's constants and its one JSON dialect, shared by the
/// engine and every client (docs/protocol.md is the contract for scripts).
public enum ControlProtocol {
    /// Raised when a message changes meaning; a new optional field does not.
    public static let version = 1

    /// The longest line the engine reads from a client. Requests are a few
    /// hundred bytes; a client sending more is broken or hostile.
    public static let maximumRequestBytes = 64 << 10

    /// The longest line a client reads from the engine: a snapshot of
    /// 100,000 forwards is about 30 MB.
    public static let maximumMessageBytes = 64 << 20

    /// One JSON object per line; keys sorted so equal values are equal text.
    public static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        var line = try encoder.encode(value)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from line: some DataProtocol) throws -> Value {
        try decoder.decode(type, from: Data(line))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(from: date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UTC time such as 2026-12-01T09:30:00.125Z: \(text)")
            }
            return date
        }
        return decoder
    }()
}
