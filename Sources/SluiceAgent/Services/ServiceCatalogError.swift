import SluiceCore

/// Why the services file could not be used. Every message names the file,
/// and for a file that was read, the line and column of the problem.
public enum ServiceCatalogError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// Not valid JSON.
    case malformed(path: String, at: TextPosition, problem: String)
    /// JSON, but not a services file.
    case invalid(path: String, at: TextPosition, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read the services file \(TerminalText.path(path)): \(reason)"
        case let .malformed(path, position, problem):
            return "the services file \(TerminalText.path(path)) is not valid JSON at \(position): \(problem)"
        case let .invalid(path, position, problem):
            return "the services file \(TerminalText.path(path)) has a problem at \(position): \(problem)"
        }
    }
}
