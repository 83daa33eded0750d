import NIOCore
import NIOEmbedded
import SluiceNIOSupport
import Testing

/// Large buffers kept for a stream that keeps writing, and let go when it
/// is quiet, on NIO's EmbeddedChannel (time advanced by hand).
@Suite struct BufferRecyclerTests {
    let channel = EmbeddedChannel()
    let recycler = BufferRecycler(limit: 2)
    /// Larger than a fresh large buffer (BufferRecycler.standard), so a
    /// kept one is told by its size.
    let size = 128 << 10

    /// Writes one 128 KiB buffer from the recycler and lets the channel
    /// take it; where its bytes were.
    @discardableResult
    func writeOne() throws -> UnsafeRawPointer? {
        let context = try channel.pipeline.syncOperations.context(handlerType: Sink.self)
        var buffer = recycler.buffer(capacity: size, allocator: channel.allocator)
        buffer.writeRepeatingByte(7, count: size)
        recycler.write(buffer, as: NIOAny(buffer), on: context, promise: nil)
        context.flush()
        _ = try channel.readOutbound(as: ByteBuffer.self)
        return buffer.withUnsafeReadableBytes { $0.baseAddress }
    }

    /// Whether asking for a smaller buffer gets a kept 128 KiB one.
    func keptOneComes() -> Bool {
        recycler.buffer(capacity: 20_000, allocator: channel.allocator).capacity == size
    }

    init() throws {
        try channel.pipeline.syncOperations.addHandler(Sink())
    }

    @Test func aTransferKeepsItsBuffersOnlyAfterItsWarmUp() throws {
        try writeOne()
        try writeOne()
        #expect(!keptOneComes(), "a request and its answer keep nothing")
        for _ in 0..<BufferRecycler.warmUp { try writeOne() }
        #expect(keptOneComes())
    }

    @Test func aKeptBufferIsTheMemoryWrittenNotAFreshAllocation() throws {
        for _ in 0..<BufferRecycler.warmUp { try writeOne() }
        let written = try writeOne()
        var kept = recycler.buffer(capacity: size, allocator: channel.allocator)
        #expect(kept.capacity == size)
        // Writing into it does not copy it away: nothing else holds it.
        kept.writeRepeatingByte(8, count: 16)
        #expect(kept.withUnsafeReadableBytes { $0.baseAddress } == written)
    }

    @Test func aQuietStreamLetsItsBuffersGo() throws {
        for _ in 0..<(BufferRecycler.warmUp + 4) { try writeOne() }
        channel.embeddedEventLoop.advanceTime(by: BufferRecycler.idleTime + .milliseconds(1))
        #expect(!keptOneComes())
    }

    @Test func smallBuffersAreNotKept() throws {
        let context = try channel.pipeline.syncOperations.context(handlerType: Sink.self)
        for _ in 0..<(BufferRecycler.warmUp + 2) {
            let small = channel.allocator.buffer(string: "hello")
            recycler.write(small, as: NIOAny(small), on: context, promise: nil)
        }
        #expect(recycler.buffer(capacity: 16, allocator: channel.allocator).capacity < BufferRecycler.smallest)
    }

    @Test func largeBuffersAreMadeTheStandardSizeSoAnyKeptOneFitsTheNext() {
        #expect(recycler.buffer(capacity: BufferRecycler.smallest, allocator: channel.allocator).capacity >= BufferRecycler.standard)
        #expect(recycler.buffer(capacity: 100_000, allocator: channel.allocator).capacity >= 100_000)
    }
}

/// The outbound end the recycler writes through.
final class Sink: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
}
