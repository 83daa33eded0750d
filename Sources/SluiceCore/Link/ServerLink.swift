import Foundation

/// What carries one server's forwards inside the engine: an SSH session
/// thread, or the WebSockets of an agent server. The engine makes one per
/// server, tells it which forwards should be up, and replaces it when how
/// the server is reached changes. A link publishes its `ServerStatus` on
/// the engine's board, and stops publishing once retired.
public protocol ServerLink: AnyObject, Sendable {
    /// Whether this link was made for the server as it is saved now: how
    /// to reach it is unchanged (its forwards may differ).
    func serves(_ server: Server) -> Bool
    func start()
    /// The server's forwards as they should be (enabled or not).
    func setForwards(_ forwards: [Forward])
    /// Try to connect now, e.g. after the user fixed what it failed on.
    func retryNow()
    /// The machine may have slept: check the link soon.
    func checkSoon()
    /// Close listeners; open connections may finish until `drainUntil`
    /// (nil: close them now).
    func stop(drainUntil: Date?)
    /// From now on nothing this link does reaches the board.
    func retire()
    /// True once the link has let go of everything it held.
    func waitUntilStopped(timeout: TimeInterval) -> Bool
    /// The open connections of one forward, oldest first; `reply` once,
    /// quickly, and never calling back into the engine.
    func connections(forward: String, reply: @escaping @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void)
    /// Cuts connection `id` of a forward.
    func closeConnection(_ id: UInt64, forward: String, reply: @escaping @Sendable (Result<Void, ConnectionRequestError>) -> Void)
}

/// Makes the links of agent servers; the engine itself knows only SSH.
public protocol AgentLinkMaker: Sendable {
    func makeLink(for server: Server, board: StatusBoard, numbers: ConnectionNumbers, backoff: Backoff) -> any ServerLink
}
