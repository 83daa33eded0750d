import SluiceCore

/// Why a control socket could not be served or reached, for the user.
public enum ControlError: Error, Equatable, Sendable, CustomStringConvertible {
    case folderUnusable(path: String, reason: String)
    /// Another engine holds the store's lock.
    case alreadyRunning(pid: Int32?, store: String)
    case socketFailed(path: String, reason: String)
    /// The store's folder cannot be made or watched.
    case storeFolderUnusable(path: String, reason: String)
    /// Nothing answers on the store's socket.
    case notRunning(store: String)
    /// The engine answered but not as a Sluice engine of this version would.
    case protocolMismatch(String)
    /// The engine refused the request, in its words.
    case refused(String)
    /// The engine went away mid-conversation.
    case disconnected

    public var description: String {
        switch self {
        case let .folderUnusable(path, reason):
            return "cannot use \(TerminalText.path(path)) for the engine's control socket: \(reason)"
        case let .alreadyRunning(pid, store):
            let who = pid.map { " (pid \($0))" } ?? ""
            return "an engine already runs for \(TerminalText.path(store))\(who): see it with sluice status, or stop it with sluice stop"
        case let .socketFailed(path, reason):
            return "cannot serve the control socket \(TerminalText.path(path)): \(reason)"
        case let .storeFolderUnusable(path, reason):
            return "cannot follow the store's folder \(TerminalText.path(path)): \(reason)"
        case .notRunning(let store):
            return "no engine runs for \(TerminalText.path(store)): start one with sluice start (or sluice up), or open sluice"
        case .protocolMismatch(let detail):
            return "the engine does not speak this sluice's protocol (\(detail)): restart it with sluice stop, then sluice start"
        case .refused(let message):
            return "the engine refused: \(TerminalText.sanitized(message))"
        case .disconnected:
            return "the engine closed the connection (it stopped or crashed; its log may say why)"
        }
    }
}
