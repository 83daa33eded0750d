/// What the agent puts in a WebSocket close frame: RFC 6455's code and a
/// reason a person can read.
public struct CloseFrame: Equatable, Sendable {
    public var code: UInt16
    /// The whole reason, for the log; `wireReason` is what fits the frame.
    public var reason: String

    public init(code: UInt16, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unacceptableData: UInt16 = 1003
    public static let policyViolation: UInt16 = 1008
    public static let unexpectedCondition: UInt16 = 1011

    /// A close frame's payload is at most 125 bytes, 2 of them the code:
    /// the reason is cut at a character boundary to fit.
    public var wireReason: String {
        var bytes = 0
        var cut = reason.startIndex
        for index in reason.indices {
            let next = reason[index].utf8.count
            if bytes + next > 123 { return String(reason[..<cut]) }
            bytes += next
            cut = reason.index(after: index)
        }
        return reason
    }

    /// The code to send back when a client closed with `code`: its own, if
    /// it is one an endpoint may send, else 1000 (RFC 6455 §5.5.1 and §7.4).
    public static func echo(of code: UInt16?) -> UInt16 {
        guard let code else { return normal }
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return code
        default: return normal
        }
    }
}
