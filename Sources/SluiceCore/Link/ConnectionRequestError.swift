
/// Why a question about a forward's connections, or a close, could not be
/// done; each says so in words for the user.
public enum ConnectionRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownServer(String)
    case unknownForward(server: String, forward: String)
    /// No connection ever had this number.
    case noSuchConnection(UInt64)
    /// It had this number, and has ended.
    case alreadyClosed(UInt64)
    /// It is open, but on another forward of the server than the one named.
    case onAnotherForward(UInt64, server: String, forward: String)
    /// The server's session has ended: the engine is stopping.
    case sessionEnded(server: String)

    public var description: String {
        switch self {
        case .unknownServer(let server):
            return "no server named \(server) runs in this engine"
        case let .unknownForward(server, forward):
            return "\(server) has no forward named \(forward)"
        case .noSuchConnection(let id):
            return "there is no connection \(id)"
        case .alreadyClosed(let id):
            return "connection \(id) is already closed"
        case let .onAnotherForward(id, server, forward):
            return "connection \(id) belongs to \(server)/\(forward)"
        case .sessionEnded(let server):
            return "the session of \(server) has ended: the engine is stopping"
        }
    }
}
