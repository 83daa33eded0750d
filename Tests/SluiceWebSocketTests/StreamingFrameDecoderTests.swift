import NIOCore
import NIOEmbedded
import NIOWebSocket
import SluiceNIOSupport
import Testing

/// The frame reader of both ends against frames written by swift-nio's own
/// encoder, fed in every way TCP may cut them: what comes out, joined
/// back and unmasked, is each frame's payload, opcode and FIN, whatever
/// the cuts (a masked frame cut anywhere: each piece's key is turned to
/// where it starts).
@Suite struct StreamingFrameDecoderTests {
    /// Frames as either end sends them: data of the sizes around each
    /// length encoding, an end of stream, control frames between, text
    /// frames larger than the room first made for them, masked ones as a
    /// client sends.
    static func frames() -> [WebSocketFrame] {
        func bytes(_ count: Int, _ seed: UInt8) -> ByteBuffer {
            ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
        }
        return [
            WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()),
            WebSocketFrame(fin: true, opcode: .binary, data: bytes(1, 1)),
            WebSocketFrame(fin: true, opcode: .binary, data: bytes(125, 2)),
            WebSocketFrame(fin: true, opcode: .ping, data: bytes(8, 3)),
            WebSocketFrame(fin: true, opcode: .binary, data: bytes(126, 4)),
            WebSocketFrame(fin: false, opcode: .binary, data: bytes(65535, 5)),
            WebSocketFrame(fin: true, opcode: .continuation, data: bytes(65536, 6)),
            WebSocketFrame(fin: true, opcode: .binary, maskKey: WebSocketMaskingKey([1, 2, 3, 4]), data: bytes(70001, 7)),
            WebSocketFrame(fin: true, opcode: .binary, data: bytes(200_000, 8)),
            WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer()),
            WebSocketFrame(fin: false, opcode: .binary, maskKey: WebSocketMaskingKey([9, 8, 7, 6]), data: bytes(65533, 9)),
            WebSocketFrame(fin: true, opcode: .continuation, maskKey: WebSocketMaskingKey([5, 4, 3, 2]), data: bytes(3, 10)),
            WebSocketFrame(fin: true, opcode: .ping, maskKey: WebSocketMaskingKey([1, 1, 2, 3]), data: bytes(8, 11)),
            WebSocketFrame(fin: true, opcode: .binary, maskKey: WebSocketMaskingKey([0xFF, 0, 0x80, 1]), data: ByteBuffer()),
            WebSocketFrame(fin: true, opcode: .text, data: bytes(5000, 12)),
            WebSocketFrame(fin: true, opcode: .text, maskKey: WebSocketMaskingKey([7, 7, 1, 9]), data: bytes(1500, 13)),
            WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])),
        ]
    }

    /// The frames on the wire, as swift-nio's encoder writes them.
    static func wire(_ frames: [WebSocketFrame]) throws -> ByteBuffer {
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        var wire = ByteBuffer()
        for frame in frames {
            try channel.writeAndFlush(frame).wait()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
        }
        return wire
    }

    /// Feeds `wire` in pieces of `cut` bytes; returns what came out.
    static func decode(_ wire: ByteBuffer, cut: Int) throws -> [WebSocketFrame] {
        let channel = EmbeddedChannel(handler: StreamingFrameDecoder(maxFrameSize: 1 << 20))
        var rest = wire
        var out: [WebSocketFrame] = []
        while rest.readableBytes > 0 {
            try channel.writeInbound(rest.readSlice(length: min(cut, rest.readableBytes))!)
            // Taken as they come: EmbeddedChannel copies what it holds on
            // every write.
            while let frame = try channel.readInbound(as: WebSocketFrame.self) { out.append(frame) }
        }
        return out
    }

    @Test(arguments: [1, 2, 7, 14, 1000, 65536, 1 << 20])
    func piecesJoinBackIntoEachFrame(cut: Int) throws {
        let sent = Self.frames()
        let received = try Self.decode(Self.wire(sent), cut: cut)
        var index = 0
        for frame in sent {
            // What was put in the frame; on the wire masked if it has a key.
            let expected = frame.data
            // The first piece has the frame's opcode; data may follow in
            // continuations; the last has its FIN; a masked frame's pieces
            // stay masked, each with the key for where it starts.
            var payload = ByteBuffer()
            var first = true
            repeat {
                try #require(index < received.count, "ran out of frames at \(frame.opcode)")
                let piece = received[index]
                index += 1
                #expect(piece.opcode == (first ? frame.opcode : .continuation))
                #expect((piece.maskKey != nil) == (frame.maskKey != nil))
                var unmasked = piece.unmaskedData
                payload.writeBuffer(&unmasked)
                first = false
                if payload.readableBytes == expected.readableBytes {
                    #expect(piece.fin == frame.fin)
                    break
                }
                #expect(!piece.fin)
                #expect(frame.opcode == .binary || frame.opcode == .continuation, "only data frames come in pieces")
            } while true
            #expect(payload == expected, "payload of a \(frame.opcode) frame of \(frame.length) bytes, cut every \(cut)")
        }
        #expect(index == received.count)
    }

    @Test func anEmptyDataFrameComesOutAtOnceAsAnEndOfStream() throws {
        let received = try Self.decode(Self.wire([WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer())]), cut: 2)
        #expect(received.count == 1)
        #expect(received.first?.opcode == .binary && received.first?.fin == true && received.first?.data.readableBytes == 0)
    }

    @Test func brokenFramesAreSwiftNIOsErrors() throws {
        func error(_ bytes: [UInt8]) -> NIOWebSocketError? {
            let channel = EmbeddedChannel(handler: StreamingFrameDecoder(maxFrameSize: 1000))
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                return nil
            } catch {
                return error as? NIOWebSocketError
            }
        }
        // Binary, 127: an eight-byte length of 2000, over the limit.
        #expect(error([0x82, 127, 0, 0, 0, 0, 0, 0, 0x07, 0xD0]) == .invalidFrameLength)
        // A ping without FIN.
        #expect(error([0x09, 0]) == .fragmentedControlFrame)
        // A pong of 126 bytes.
        #expect(error([0x8A, 126, 0, 126]) == .multiByteControlFrameLength)
        // Nothing more is read after one.
        let channel = EmbeddedChannel(handler: StreamingFrameDecoder(maxFrameSize: 1000))
        #expect(throws: NIOWebSocketError.self) { try channel.writeInbound(ByteBuffer(bytes: [0x09, 0])) }
        try channel.writeInbound(ByteBuffer(bytes: [0x82, 1, 0x41]))
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
    }
}
