import NIOCore
import NIOEmbedded
import NIOWebSocket
import SluiceCore
import Testing
@testable import SluiceWebSocket

/// Sluice's word-at-a-time masking against swift-nio's byte-at-a-time one,
/// and the client's frames against swift-nio's own decoder.
@Suite struct MaskingTests {
    @Test func masksAsSwiftNIODoesAtEveryLengthAndOffset() {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...70) + [127, 128, 129, 143, 144, 1023, 65536, 65543] {
            for offset in 0..<4 {
                let key = WebSocketMaskingKey.random(using: &generator)
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                var expected = ByteBuffer(bytes: bytes)
                expected.webSocketMask(key, indexOffset: offset)
                var masked = bytes
                masked.withUnsafeMutableBytes { WebSocketMask.apply(key, to: $0, offset: offset) }
                #expect(masked == Array(expected.readableBytesView), "length \(length), offset \(offset)")
                masked.withUnsafeMutableBytes { WebSocketMask.apply(key, to: $0, offset: offset) }
                #expect(masked == bytes, "masking twice gives the bytes back: length \(length)")
            }
        }
    }

    @Test func keysComeFreshAcrossBatches() {
        var keys = MaskingKeys()
        // Batches of 16, 32, … keys, then 1,024 at a time: 5,000 keys
        // span eleven fetches, the last four full.
        let drawn = (0..<5000).map { _ in Array(keys.next()) }
        // 5,000 random 32-bit keys repeat one another about once in 300
        // draws of the lot; a handful of repeats would mean a bad source,
        // or a batch handed out twice.
        #expect(Set(drawn).count >= 4995, "\(5000 - Set(drawn).count) repeated keys")
    }

    @Test func framesReadBackThroughSwiftNIOsDecoder() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MaskingFrameEncoder())
        for length in [0, 1, 125, 126, 65535, 65536, 200_000] {
            let payload = ByteBuffer(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let key = WebSocketMaskingKey.random()
            try channel.writeOutbound(WebSocketFrame(fin: length != 1, opcode: length == 0 ? WebSocketOpcode.connectionClose : .binary, maskKey: key, data: payload))
            var wire = ByteBuffer()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
            let decoder = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
            try decoder.writeInbound(wire)
            var frames: [WebSocketFrame] = []
            while let frame = try decoder.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
            // A binary message over 64 KiB goes as several, each whole.
            #expect(frames.count == (length == 200_000 ? 4 : 1), "length \(length)")
            var joined = ByteBuffer()
            for frame in frames {
                #expect(frame.fin == (length != 1))
                #expect(frame.opcode == (length == 0 ? WebSocketOpcode.connectionClose : .binary))
                #expect(frame.length <= MaskingFrameEncoder.largestFrame)
                var data = frame.unmaskedData
                joined.writeBuffer(&data)
            }
            #expect(frames.first?.maskKey == key)
            #expect(Set(frames.compactMap { $0.maskKey.map { Array($0) } }).count == frames.count, "a fresh key for every frame")
            #expect(joined == payload, "length \(length)")
            _ = try decoder.finish()
        }
        _ = try channel.finish()
    }
}
