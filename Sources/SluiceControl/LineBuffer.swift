/// Cuts a byte stream into lines, holding at most `limit` bytes of a line
/// not yet ended, so a peer that never sends a newline cannot grow memory.
public struct LineBuffer: Sendable {
    public struct TooLong: Error, Equatable {
        public let limit: Int

        public init(limit: Int) {
            self.limit = limit
        }
    }

    public let limit: Int
    private var pending: [UInt8] = []

    public init(limit: Int) {
        self.limit = limit
    }

    /// The lines `bytes` completes, without their newlines; blank lines are
    /// skipped. Throws once the line in progress is longer than `limit`.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(TooLong) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: rest[..<newline])
            guard pending.count <= limit else { throw TooLong(limit: limit) }
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if !pending.isEmpty { lines.append(pending) }
            pending.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: newline)...]
        }
        pending.append(contentsOf: rest)
        guard pending.count <= limit else { throw TooLong(limit: limit) }
        return lines
    }
}
