import Foundation
import SluiceCore

/// What a client asks of the engine: one JSON object per line, its kind in
/// `"type"`. The first must be `hello`. Any request may also carry an
/// `"id"` (see TaggedRequest).
public enum ControlRequest: Sendable, Equatable {
    /// `{"type":"hello","protocol":1,"client":"status","prompts":false}`:
    /// `prompts` true for a client that shows questions to a person (the
    /// screen); while one is attached, questions wait for it.
    case hello(protocol: Int, client: String, answersPrompts: Bool)
    /// `{"type":"status"}`: one snapshot.
    case status
    /// `{"type":"watch"}`: a snapshot now and after every change, with
    /// events between them, until the client leaves.
    case watch
    /// `{"type":"retry","server":"db"}`: connect again now.
    case retry(server: String)
    /// `{"type":"answer","prompt":7,"answer":{"kind":"accept_and_save"}}`.
    case answer(prompt: Int, PromptAnswer)
    /// `{"type":"stop","drain":10}`: close the listeners, let open
    /// connections finish for `drain` seconds (default 10), then exit.
    case stop(drainSeconds: Double?)
    /// `{"type":"connections","server":"db","forward":"L5432"}`: the open
    /// connections of one forward, for a connections view; the reply is a
    /// `connections` message (see EngineReply).
    case connections(server: String, forward: String)
    /// `{"type":"close","server":"db","forward":"L5432","connection":7}`:
    /// cut one connection (both ends see it fail); `ok` once it is closed.
    case close(server: String, forward: String, connection: UInt64)
}

extension ControlRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, version = "protocol", client, prompts, server, prompt, answer, drain, forward, connection
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .hello(version, client, answersPrompts):
            try container.encode("hello", forKey: .type)
            try container.encode(version, forKey: .version)
            try container.encode(client, forKey: .client)
            try container.encode(answersPrompts, forKey: .prompts)
        case .status:
            try container.encode("status", forKey: .type)
        case .watch:
            try container.encode("watch", forKey: .type)
        case .retry(let server):
            try container.encode("retry", forKey: .type)
            try container.encode(server, forKey: .server)
        case let .answer(prompt, answer):
            try container.encode("answer", forKey: .type)
            try container.encode(prompt, forKey: .prompt)
            try container.encode(answer, forKey: .answer)
        case .stop(let drain):
            try container.encode("stop", forKey: .type)
            try container.encodeIfPresent(drain, forKey: .drain)
        case let .connections(server, forward):
            try container.encode("connections", forKey: .type)
            try container.encode(server, forKey: .server)
            try container.encode(forward, forKey: .forward)
        case let .close(server, forward, connection):
            try container.encode("close", forKey: .type)
            try container.encode(server, forKey: .server)
            try container.encode(forward, forKey: .forward)
            try container.encode(connection, forKey: .connection)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "hello":
            self = .hello(protocol: try container.decode(Int.self, forKey: .version),
                          client: try container.decodeIfPresent(String.self, forKey: .client) ?? "",
                          answersPrompts: try container.decodeIfPresent(Bool.self, forKey: .prompts) ?? false)
        case "status": self = .status
        case "watch": self = .watch
        case "retry": self = .retry(server: try container.decode(String.self, forKey: .server))
        case "answer":
            self = .answer(prompt: try container.decode(Int.self, forKey: .prompt), try container.decode(PromptAnswer.self, forKey: .answer))
        case "stop":
            let drain = try container.decodeIfPresent(Double.self, forKey: .drain)
            if let drain, !(0...3600).contains(drain) {
                throw DecodingError.dataCorruptedError(forKey: .drain, in: container, debugDescription: "drain must be 0 to 3600 seconds")
            }
            self = .stop(drainSeconds: drain)
        case "connections":
            self = .connections(server: try container.decode(String.self, forKey: .server), forward: try container.decode(String.self, forKey: .forward))
        case "close":
            self = .close(server: try container.decode(String.self, forKey: .server), forward: try container.decode(String.self, forKey: .forward),
                          connection: try container.decode(UInt64.self, forKey: .connection))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown request type \(other)")
        }
    }
}
