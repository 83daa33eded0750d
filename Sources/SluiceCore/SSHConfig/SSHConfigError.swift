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
            return "cannot read the ssh config \(path): \(reason)"
        case let .unusable(path, reason):
            return "cannot use the ssh config \(path): \(reason); name a plain text ssh config with --file"
        case let .syntax(location, problem):
            return "\(location): \(problem)"
        case let .unknownHosts(names, known):
            let list = known.isEmpty ? "it names no hosts" : "its hosts are: \(known.joined(separator: ", "))"
            return "no Host \(names.joined(separator: ", ")) in the ssh config; \(list)"
        }
    }
}
