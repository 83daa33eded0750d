import NIOCore
import NIOWebSocket
import SluiceNIOSupport
import Testing
@testable import SluiceAgent

/// A read's pieces of client data gathered into one buffer, unmasked.
@Suite struct UnmaskedReadTests {
    let recycler = BufferRecycler(limit: 2)
    let allocator = ByteBufferAllocator()

    /// A masked piece of `count` bytes, and the bytes it carries.
    func piece(_ count: Int, seed: UInt8) -> (frame: WebSocketFrame, bytes: [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7) &+ seed }
        let key = WebSocketMaskingKey.random()
        var masked = ByteBuffer(bytes: bytes)
        masked.webSocketMask(key)
        return (WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: masked), bytes)
    }

    @Test func aReadsPiecesComeOutAsOneBuffer() {
        var read = UnmaskedRead()
        var expected: [UInt8] = []
        for seed in UInt8(1)...3 {
            let (frame, bytes) = piece(20_000, seed: seed)
            #expect(read.append(frame, recycler: recycler, allocator: allocator) == nil)
            expected += bytes
        }
        let data = read.take()
        #expect(data.map { Array($0.readableBytesView) } == expected)
        #expect(read.take() == nil)
    }

    @Test func aPieceThatDoesNotFitHandsOutTheBufferSoFar() {
        var read = UnmaskedRead()
        let first = piece(20_000, seed: 1)
        let second = piece(RelaySocketOptions.largestRead - 10_000, seed: 2)
        #expect(read.append(first.frame, recycler: recycler, allocator: allocator) == nil)
        let full = read.append(second.frame, recycler: recycler, allocator: allocator)
        #expect(full.map { Array($0.readableBytesView) } == first.bytes)
        #expect(read.take().map { Array($0.readableBytesView) } == second.bytes)
    }

    @Test func smallPiecesGetBuffersOfTheirOwnSize() {
        var read = UnmaskedRead()
        let first = piece(100, seed: 1)
        let second = piece(100, seed: 2)
        #expect(read.append(first.frame, recycler: recycler, allocator: allocator) == nil)
        #expect(read.append(second.frame, recycler: recycler, allocator: allocator).map { Array($0.readableBytesView) } == first.bytes)
        #expect(read.take().map { Array($0.readableBytesView) } == second.bytes)
    }
}
