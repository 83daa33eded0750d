import NIOCore

/// A WebSocket to an agent, upgraded and ready for data: its channel (with
/// an `AgentSideHandler` last in the pipeline) and whether the agent took
/// `sluice.v1`, so that an empty binary frame means end of stream.
struct AgentStream: Sendable {
    let channel: Channel
    let halfClose: Bool

    /// The subprotocol Sluice offers; never required.
    static let halfCloseProtocol = "sluice.v1"
}
