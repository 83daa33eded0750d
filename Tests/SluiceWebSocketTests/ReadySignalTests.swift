import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import SluiceWebSocket
import Testing

/// The agent's ready (an empty pong) on a pooled stream, and `next` for a
/// `sluice.v2` one, on NIO's EmbeddedChannel.
@Suite struct ReadySignalTests {
    let side: EmbeddedAgentSide
    var channel: EmbeddedChannel { side.channel }
    var handler: AgentSideHandler { side.handler }
    let readies = EndedBox()

    init() throws {
        side = try EmbeddedAgentSide()
        let readies = self.readies
        handler.onTargetReady = { readies.count += 1 }
    }

    @Test func anEmptyPongIsTheReadyAndAKeepalivesAnswerIsNot() throws {
        var keepaliveAnswer = ByteBuffer()
        keepaliveAnswer.writeInteger(UInt64(42))
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: keepaliveAnswer))
        #expect(!handler.targetReady)
        #expect(readies.count == 0)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        #expect(handler.targetReady)
        #expect(readies.count == 1)
    }

    @Test func nextIsAMaskedTextFrameAndWaitsForANewReady() throws {
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        #expect(handler.targetReady)
        handler.requestNext()
        let next = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(next.opcode == .text)
        #expect(next.maskKey != nil)
        #expect(next.data == ByteBuffer(string: "next"))
        #expect(!handler.targetReady)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        #expect(handler.targetReady)
        #expect(readies.count == 2)
    }
}
