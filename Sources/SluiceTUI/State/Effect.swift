import SluiceCore

/// Work the run loop does for the reducer, which does no I/O itself.
public enum Effect: Sendable, Equatable {
    /// Save this change to the store, then hand the saved servers to the engine.
    case save(StoreChange)
    /// Give the waiting session thread the user's answer.
    case answer(promptID: Int, PromptAnswer)
    /// Try the server's connection again now.
    case retry(server: String)
    /// Put `text` on the terminal's clipboard (OSC 52).
    case copy(String)
    /// Ask the engine for the forward's open connections (the answer comes
    /// as `Action.connections`); the run loop asks again every second
    /// while the connections view is open.
    case listConnections(ForwardReference)
    /// Ask the engine to close one connection (`Action.connectionClosed`).
    case closeConnection(ForwardReference, id: UInt64)
    /// Test-bind a local address and report with `Action.portChecked`.
    case checkPort(host: String, port: Int)
    /// Leave the screen; with `stopForwards`, stop the engine too (it
    /// closes every forward), else it keeps them running in the background.
    case quit(stopForwards: Bool)
}
