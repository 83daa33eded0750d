import SluiceCore

/// The server side of a SOCKS handshake (SOCKS5 per RFC 1928 with the
/// no-authentication method, and SOCKS4/4a as OpenSSH accepts them), as a
/// pure state machine: bytes in, bytes to send and a decision out.
///
/// Only CONNECT is served; domain names are passed to the server unresolved,
/// so they resolve on the server's side.
struct SOCKSHandshake: Equatable {
    enum Step: Equatable {
        /// Not enough bytes yet; nothing consumed.
        case needMore
        /// Send these bytes and keep reading.
        case reply([UInt8], consumed: Int)
        /// Open a connection to `host:port`, then send `successReply` (or
        /// `failureReply(code)`) and start relaying.
        case connect(host: String, port: Int, consumed: Int)
        /// Send these bytes (if any) and close: the client asked for
        /// something that is not served.
        case reject([UInt8], reason: String)
    }

    enum Reply5: UInt8 {
        case succeeded = 0
        case generalFailure = 1
        case notAllowed = 2
        case networkUnreachable = 3
        case hostUnreachable = 4
        case connectionRefused = 5
        case commandNotSupported = 7
        case addressTypeNotSupported = 8
    }

    private enum State: Equatable {
        case start
        case request5
        case connecting(version: UInt8)
        case finished
    }

    private var state = State.start

    /// False until the client's first bytes were understood.
    var hasBegun: Bool { state != .start }

    /// Reads what the client has sent so far.
    mutating func advance(_ bytes: [UInt8]) -> Step {
        switch state {
        case .start:
            guard let version = bytes.first else { return .needMore }
            switch version {
            case 5: return greeting5(bytes)
            case 4: return request4(bytes)
            default:
                state = .finished
                return .reject([], reason: "not a SOCKS client (first byte \(version)); point a SOCKS5 client at this port")
            }
        case .request5:
            return request5(bytes)
        case .connecting, .finished:
            return .needMore
        }
    }

    /// The bytes that tell the client its connection is open.
    mutating func successReply() -> [UInt8] {
        defer { state = .finished }
        if case .connecting(version: 4) = state { return [0, 0x5A, 0, 0, 0, 0, 0, 0] }
        return [5, Reply5.succeeded.rawValue, 0, 1, 0, 0, 0, 0, 0, 0]
    }

    /// The bytes that tell the client its connection failed, and why.
    mutating func failureReply(_ reason: Reply5) -> [UInt8] {
        defer { state = .finished }
        if case .connecting(version: 4) = state { return [0, 0x5B, 0, 0, 0, 0, 0, 0] }
        return [5, reason.rawValue, 0, 1, 0, 0, 0, 0, 0, 0]
    }

    private mutating func greeting5(_ bytes: [UInt8]) -> Step {
        guard bytes.count >= 2 else { return .needMore }
        let methodCount = Int(bytes[1])
        guard bytes.count >= 2 + methodCount else { return .needMore }
        guard bytes[2..<(2 + methodCount)].contains(0) else {
            state = .finished
            return .reject([5, 0xFF], reason: "the SOCKS client wants authentication; this proxy takes none")
        }
        state = .request5
        return .reply([5, 0], consumed: 2 + methodCount)
    }

    private mutating func request5(_ bytes: [UInt8]) -> Step {
        guard bytes.count >= 5 else { return .needMore }
        guard bytes[0] == 5 else {
            state = .finished
            return .reject([], reason: "malformed SOCKS5 request")
        }
        let command = bytes[1]
        let addressType = bytes[3]
        let host: String
        let addressEnd: Int
        switch addressType {
        case 1:
            guard bytes.count >= 10 else { return .needMore }
            host = bytes[4..<8].map(String.init).joined(separator: ".")
            addressEnd = 8
        case 3:
            let length = Int(bytes[4])
            guard bytes.count >= 5 + length + 2 else { return .needMore }
            guard length > 0 else { return reject5(.generalFailure, "an empty host name") }
            host = String(decoding: bytes[5..<(5 + length)], as: UTF8.self)
            if let problem = Self.hostNameProblem(host) { return reject5(.hostUnreachable, problem) }
            addressEnd = 5 + length
        case 4:
            guard bytes.count >= 22 else { return .needMore }
            host = Self.ipv6Text(Array(bytes[4..<20]))
            addressEnd = 20
        default:
            return reject5(.addressTypeNotSupported, "address type \(addressType)")
        }
        guard command == 1 else {
            let name = command == 2 ? "BIND" : command == 3 ? "UDP ASSOCIATE" : "command \(command)"
            return reject5(.commandNotSupported, "\(name) is not supported, only CONNECT")
        }
        let port = Int(bytes[addressEnd]) << 8 | Int(bytes[addressEnd + 1])
        state = .connecting(version: 5)
        return .connect(host: host, port: port, consumed: addressEnd + 2)
    }

    private mutating func reject5(_ reply: Reply5, _ reason: String) -> Step {
        state = .finished
        return .reject([5, reply.rawValue, 0, 1, 0, 0, 0, 0, 0, 0], reason: reason)
    }

    /// SOCKS4: VN CD DSTPORT(2) DSTIP(4) USERID NUL; SOCKS4a puts 0.0.0.x in
    /// DSTIP and the host name after the user id, NUL-terminated.
    private mutating func request4(_ bytes: [UInt8]) -> Step {
        guard bytes.count >= 9 else { return .needMore }
        guard let userEnd = bytes[8...].firstIndex(of: 0) else {
            return bytes.count > 1024 ? rejectTooLong() : .needMore
        }
        let port = Int(bytes[2]) << 8 | Int(bytes[3])
        var host = bytes[4..<8].map(String.init).joined(separator: ".")
        var consumed = userEnd + 1
        if bytes[4] == 0 && bytes[5] == 0 && bytes[6] == 0 && bytes[7] != 0 {
            guard let nameEnd = bytes[(userEnd + 1)...].firstIndex(of: 0) else {
                return bytes.count > 1024 ? rejectTooLong() : .needMore
            }
            host = String(decoding: bytes[(userEnd + 1)..<nameEnd], as: UTF8.self)
            consumed = nameEnd + 1
            if let problem = Self.hostNameProblem(host) {
                state = .finished
                return .reject([0, 0x5B, 0, 0, 0, 0, 0, 0], reason: problem)
            }
        }
        guard bytes[1] == 1 else {
            state = .finished
            return .reject([0, 0x5B, 0, 0, 0, 0, 0, 0], reason: "SOCKS4 command \(bytes[1]) is not supported, only CONNECT")
        }
        state = .connecting(version: 4)
        return .connect(host: host, port: port, consumed: consumed)
    }

    private mutating func rejectTooLong() -> Step {
        state = .finished
        return .reject([0, 0x5B, 0, 0, 0, 0, 0, 0], reason: "SOCKS4 request too long")
    }

    /// A name a client asks for goes to the server and into status lines:
    /// one with control, invisible or invalid characters is no host name,
    /// and is refused before it goes anywhere.
    private static func hostNameProblem(_ host: String) -> String? {
        guard TerminalText.hasUnsafeCharacters(host) || host.contains("\u{FFFD}") || host.contains(where: \.isWhitespace) else { return nil }
        return "a host name that is not one ('\(TerminalText.echo(host))')"
    }

    private static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups: [UInt16] = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // Shorten the longest run of zero groups to "::", as inet_ntop does.
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength && end - index > 1 { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        let hex = { (group: UInt16) in String(group, radix: 16) }
        guard bestStart >= 0 else { return groups.map(hex).joined(separator: ":") }
        let head = groups[..<bestStart].map(hex).joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map(hex).joined(separator: ":")
        return head + "::" + tail
    }
}
