import SluiceCore

/// The bearer token a client must send, read from a file so that it never
/// shows in `ps` or a shell's history.
public struct AccessToken: Sendable {
    private let bytes: [UInt8]

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The file's first line without surrounding blanks; an empty one is an
    /// error, since it would let any client in.
    public init(readingFrom path: String) throws(AgentError) {
        let text: String?
        do {
            text = try TextFile.readText(path, limit: 64 << 10)
        } catch {
            throw .tokenFile(path: path, reason: error.reason)
        }
        guard let text else { throw .tokenFile(path: path, reason: "it is not UTF-8 text") }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let token = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .tokenFile(path: path, reason: "its first line is empty") }
        self.init(token)
    }

    /// Compares in time that depends only on the length of the expected
    /// token, so that a client cannot find it a byte at a time by timing
    /// the answers.
    public func matches(_ offered: some Collection<UInt8>) -> Bool {
        let offered = Array(offered)
        var difference = UInt8(truncatingIfNeeded: offered.count ^ bytes.count) | (offered.count == bytes.count ? 0 : 1)
        for index in bytes.indices {
            let other = index < offered.count ? offered[index] : 0
            difference |= bytes[index] ^ other
        }
        return difference == 0
    }

    /// Checks an `Authorization` header's values: exactly one, `Bearer TOKEN`.
    func rejection(forAuthorization values: [String]) -> Rejection? {
        guard let value = values.first else {
            return .unauthorized("this agent needs a token: send Authorization: Bearer TOKEN")
        }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard values.count == 1, parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .unauthorized("the Authorization header should be Bearer TOKEN")
        }
        return matches(parts[1].trimmingCharacters(in: .whitespaces).utf8) ? nil : .unauthorized("the token is wrong")
    }
}
