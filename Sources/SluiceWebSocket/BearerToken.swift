import Foundation

/// The secret an agent or a control plane asks for, sent as
/// `Authorization: Bearer TOKEN`. Read from a file so it never sits in a
/// process list or a shell history; never printed.
public struct BearerToken: Sendable, Equatable {
    let value: String
    /// Where it came from, for messages ("the token from ~/agent.token").
    public let source: String

    /// Longer than any token a person or a platform would mint; a bigger
    /// file is a wrong path, not a token.
    static let largestFile = 64 * 1024

    public init(value: String, source: String) throws(AgentError) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("the token file \(source) is empty") }
        // One header line of visible ASCII: a newline would end the header
        // and start another.
        guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalid("the token in \(source) must be one word of printable ASCII (no spaces, no second line)")
        }
        self.value = trimmed
        self.source = source
    }

    /// Reads a regular file of at most 64 KiB (a FIFO or a device would
    /// block or never end); opened close-on-exec like every descriptor here.
    public init(contentsOfFile path: String) throws(AgentError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .invalid("cannot read the token file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .invalid("the token file \(path) is not a regular file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= Self.largestFile {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .invalid("cannot read the token file \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        guard bytes.count <= Self.largestFile else {
            throw .invalid("the token file \(path) is larger than 64 KiB: is it the right file?")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalid("the token file \(path) is not text")
        }
        try self.init(value: text, source: path)
    }

    var headerValue: String { "Bearer \(value)" }
}
