/// A problem reading an ssh config file.
public enum SSHConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// Not a file Sluice reads: not UTF-8 text, a FIFO, a device, too large.
    case unusable(path: String, reason: String)
    case syntax(SSHConfigLocation, String)
    case unknownHosts([String], known: [String])

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read the ssh config \(TerminalText.path(path)): \(reason)"
        case let .unusable(path, reason):
            return "cannot use the ssh config \(TerminalText.path(path)): \(reason); name a plain text ssh config with --file"
        case let .syntax(location, problem):
            return "\(location): \(problem)"
        case let .unknownHosts(names, known):
            let list = known.isEmpty ? "it names no hosts" : "its hosts are: \(Self.first(known))"
            return "no Host \(Self.first(names)) in the ssh config; \(list)"
        }
    }

    /// Names from a config (maybe thousands, maybe hostile): the first few,
    /// each sanitised and cut.
    private static func first(_ names: [String]) -> String {
        let limit = 10
        let shown = names.prefix(limit).map(TerminalText.echo).joined(separator: ", ")
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }
}
