import Foundation

/// The agent's answer to a request it will not upgrade: an HTTP status and
/// a message a person can read, sent as `{"message": "..."}`.
public struct Rejection: Error, Equatable, Sendable {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> Rejection { Rejection(status: 400, message: message) }
    public static func unauthorized(_ message: String) -> Rejection { Rejection(status: 401, message: message) }
    public static func notFound(_ message: String) -> Rejection { Rejection(status: 404, message: message) }
    public static func conflict(_ message: String) -> Rejection { Rejection(status: 409, message: message) }
    public static func unavailable(_ message: String) -> Rejection { Rejection(status: 503, message: message) }

    /// The JSON body, one line.
    public var body: String {
        let data = (try? JSONSerialization.data(withJSONObject: ["message": message], options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
