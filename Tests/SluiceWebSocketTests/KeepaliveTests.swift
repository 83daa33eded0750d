import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import SluiceWebSocket
import Testing

/// The WebSocket end's pings, pongs and silence, on NIO's EmbeddedChannel:
/// time is advanced by hand, so nothing here waits.
@Suite struct KeepaliveTests {
    let side: EmbeddedAgentSide
    var channel: EmbeddedChannel { side.channel }
    var handler: AgentSideHandler { side.handler }
    let ended = EndedBox()

    init() throws {
        side = try EmbeddedAgentSide()
        let ended = self.ended
        handler.onEndedUnmatched = { ended.problem = $0; ended.count += 1 }
    }

    func advance(seconds: Int64) {
        channel.embeddedEventLoop.advanceTime(by: .seconds(seconds))
    }

    func outbound() throws -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readOutbound(as: WebSocketFrame.self) { frames.append(frame) }
        return frames
    }

    @Test func anIdleStreamIsPingedAndGivenUpWhenNothingAnswers() throws {
        advance(seconds: 10)
        #expect(try outbound().isEmpty)
        advance(seconds: 10)
        let ping = try #require(try outbound().first)
        #expect(ping.opcode == .ping)
        #expect(ping.maskKey != nil, "a client's frames must be masked")
        advance(seconds: 10)
        #expect(ended.count == 1)
        #expect(ended.problem == "no answer from the agent for 20 s")
        #expect(!channel.isActive)
    }

    @Test func anyFrameFromTheAgentCountsAsAnAnswer() throws {
        advance(seconds: 20)
        #expect(try outbound().map(\.opcode) == [.ping])
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        advance(seconds: 10)
        #expect(ended.count == 0)
        #expect(channel.isActive)
    }

    @Test func theAgentsPingIsAnsweredWithItsPayload() throws {
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "are you there")))
        let pong = try #require(try outbound().first)
        #expect(pong.opcode == .pong)
        #expect(pong.maskKey != nil)
        // Outgoing frames hold their payload as given; the encoder masks it.
        #expect(pong.data == ByteBuffer(string: "are you there"))
    }

    @Test func aCloseFromTheAgentIsAnsweredAndToldWithItsReason() throws {
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(1011))
        payload.writeString("connection refused by localhost:5432 in my-app/db")
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
        let reply = try #require(try outbound().first)
        #expect(reply.opcode == .connectionClose)
        var data = reply.data
        #expect(data.readInteger(as: UInt16.self) == 1011)
        #expect(ended.problem == "connection refused by localhost:5432 in my-app/db")
        #expect(!handler.isUsable)
    }
}

/// What `onEndedUnmatched` reported, from the test's one thread.
final class EndedBox: @unchecked Sendable {
    var problem: String?
    var count = 0
}
