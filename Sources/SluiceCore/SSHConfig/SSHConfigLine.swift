/// One meaningful line of an ssh config file, with Includes already read.
enum SSHConfigLine: Sendable, Equatable {
    /// `Host pattern...`
    case host(HostPatterns, SSHConfigLocation)
    /// `Match ...`; only `Match all` can be decided without running anything.
    case match(matchesAll: Bool, SSHConfigLocation)
    /// Any other keyword (lower-cased) and its arguments; for a keyword
    /// whose value is the rest of the line (ProxyCommand), `raw` is that
    /// text as written, quotes and all, else empty.
    case option(keyword: String, arguments: [String], raw: String, SSHConfigLocation)
    /// The lines of the files an `Include` named, in glob order.
    case include([SSHConfigLine])
}

/// Where a line came from, for messages about it.
public struct SSHConfigLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(TerminalText.path(file)):\(line)" }
}
