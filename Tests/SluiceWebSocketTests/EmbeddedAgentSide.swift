import NIOCore
import NIOEmbedded
@testable import SluiceWebSocket

/// An `AgentSideHandler` on NIO's EmbeddedChannel, connected, as a pooled
/// stream's is before a client comes: time is advanced by hand.
struct EmbeddedAgentSide {
    let channel = EmbeddedChannel()
    let handler = AgentSideHandler(halfClose: true, keepalive: Keepalive(interval: 10))

    init() throws {
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9090)).wait()
    }
}
