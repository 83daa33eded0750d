import Foundation
import SluiceCore

/// What the engine sends a client: one JSON object per line, its kind in
/// `"type"`.
public enum EngineMessage: Sendable, Equatable {
    /// `{"type":"hello","protocol":1,"engine":{...}}`: sent first, at once.
    case hello(protocol: Int, engine: EngineInfo)
    /// `{"type":"snapshot", "servers":[...], "prompts":[...]}`.
    case snapshot(EngineSnapshot)
    /// `{"type":"event","text":"db/web is up on 127.0.0.1:8080"}`: a change,
    /// in the words `sluice up` prints (watchers only).
    case event(String)
    /// `{"type":"ok"}`: a retry or an answer was taken.
    case ok
    /// `{"type":"error","message":"..."}`: the request was refused; after a
    /// malformed one the engine also closes the connection.
    case error(String)
    /// `{"type":"stopping","drain":10}`: the engine is closing its
    /// forwards and exits when they are done.
    case stopping(drainSeconds: Double)
}

extension EngineMessage: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, version = "protocol", engine, servers, prompts, store, text, message, drain
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .hello(version, engine):
            try container.encode("hello", forKey: .type)
            try container.encode(version, forKey: .version)
            try container.encode(engine, forKey: .engine)
        case .snapshot(let snapshot):
            try container.encode("snapshot", forKey: .type)
            try container.encode(snapshot.servers, forKey: .servers)
            try container.encode(snapshot.prompts, forKey: .prompts)
            try container.encodeIfPresent(snapshot.storeProblem, forKey: .store)
        case .event(let text):
            try container.encode("event", forKey: .type)
            try container.encode(text, forKey: .text)
        case .ok:
            try container.encode("ok", forKey: .type)
        case .error(let message):
            try container.encode("error", forKey: .type)
            try container.encode(message, forKey: .message)
        case .stopping(let drain):
            try container.encode("stopping", forKey: .type)
            try container.encode(drain, forKey: .drain)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "hello":
            self = .hello(protocol: try container.decode(Int.self, forKey: .version), engine: try container.decode(EngineInfo.self, forKey: .engine))
        case "snapshot":
            self = .snapshot(EngineSnapshot(servers: try container.decode([ServerStatus].self, forKey: .servers),
                                            prompts: try container.decode([PendingPrompt].self, forKey: .prompts),
                                            storeProblem: try container.decodeIfPresent(String.self, forKey: .store)))
        case "event": self = .event(try container.decode(String.self, forKey: .text))
        case "ok": self = .ok
        case "error": self = .error(try container.decode(String.self, forKey: .message))
        case "stopping": self = .stopping(drainSeconds: try container.decode(Double.self, forKey: .drain))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown message type \(other)")
        }
    }
}
