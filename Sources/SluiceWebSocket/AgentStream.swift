import NIOCore
import SluiceCore

/// A WebSocket to an agent, upgraded and ready for data: its channel (with
/// an `AgentSideHandler` last in the pipeline) and the subprotocol the
/// agent took: with `sluice.v1` an empty binary frame means end of stream;
/// with `sluice.v2` the WebSocket may also carry another connection once
/// both directions of one have ended.
struct AgentStream: Sendable {
    let channel: Channel
    let halfClose: Bool
    let reusable: Bool

    init(channel: Channel, subprotocol: String?) {
        self.channel = channel
        reusable = subprotocol == AgentSubprotocol.reuse
        halfClose = reusable || subprotocol == AgentSubprotocol.halfClose
    }

    /// The subprotocols Sluice offers, best first; none is required.
    static let offeredProtocols = "\(AgentSubprotocol.reuse), \(AgentSubprotocol.halfClose)"
}
