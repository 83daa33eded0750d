/// The words of docs/agent-protocol.md that both ends of the agent
/// transport say: the subprotocols Sluice's client offers and `sluice
/// agent` takes, and `sluice.v2`'s one text frame.
public enum AgentSubprotocol {
    /// An empty binary frame ends one direction (a half-close), and the
    /// agent's empty pong says its service is connected.
    public static let halfClose = "sluice.v1"
    /// `sluice.v1`, and a WebSocket used for one connection after another.
    public static let reuse = "sluice.v2"
    /// The text frame that asks for the service again on a `sluice.v2`
    /// WebSocket whose both directions have ended.
    public static let next = "next"
}
