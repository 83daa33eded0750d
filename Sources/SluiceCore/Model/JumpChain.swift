/// The servers to pass through on the way to a server, as OpenSSH's `-J`
/// and `ProxyJump` write them: `[user@]host[:port]` or
/// `ssh://[user@]host[:port]`, or an ssh config alias, joined by commas,
/// first hop first.
///
/// Each hop is a `Destination` and nothing else: Sluice connects to every
/// hop itself (libssh sessions chained through direct-tcpip channels), so
/// no hop is ever handed to a shell or to another program's options.
public struct JumpChain: Sendable, Hashable, CustomStringConvertible {
    /// More hops than anyone routes through; a longer chain is a mistake
    /// (or a loop in an ssh config).
    public static let maximumHops = 8

    public var hops: [Destination]

    public init(hops: [Destination]) {
        self.hops = hops
    }

    /// Parses `a,b,c`. `none` (as ProxyJump takes it) is no chain at all:
    /// the result is nil.
    public init?(parsing text: String) throws(SluiceError) {
        func fail(_ problem: String) -> SluiceError { .invalidJump(text, problem) }
        if text.lowercased() == "none" { return nil }
        guard !text.isEmpty else { throw fail("it is empty") }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= Self.maximumHops else { throw fail("more than \(Self.maximumHops) jump hosts") }
        var hops: [Destination] = []
        for (index, part) in parts.enumerated() {
            guard !part.isEmpty else {
                throw fail(parts.count == 1 ? "it is empty" : "jump host \(index + 1) of \(parts.count) is empty")
            }
            if part.hasPrefix("-") { throw fail("a jump host cannot start with '-'") }
            do {
                hops.append(try Destination(parsing: String(part)))
            } catch {
                guard case .invalidDestination(_, let problem) = error else { throw error }
                throw fail(parts.count == 1 ? problem : "jump host \(index + 1) (\(TerminalText.echo(String(part)))): \(problem)")
            }
        }
        self.init(hops: hops)
    }

    /// `a,b,c`, as it parses back.
    public var description: String {
        hops.map(\.description).joined(separator: ",")
    }
}
