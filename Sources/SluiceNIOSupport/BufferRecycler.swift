import NIOCore

/// Large buffers a relay fills and writes, over and over, used again once
/// written instead of freed. A fresh 64 KiB buffer per frame is memory
/// malloc gives back to the kernel when it is freed (past its trim
/// threshold, in a thread's arena) and takes again, page by page, when the
/// next one is written: page faults were 9 to 11 % of an upload's samples
/// in `perf`, gone with this.
///
/// Only a stream that keeps writing large buffers (a transfer, past its
/// first `warmUp` of them) keeps spares, and only until it has been quiet
/// for `idleTime`: a thousand streams that each moved a request and an
/// answer hold none (with spares for all of them the agent held 18 MiB
/// more with 1,000 streams open). One per channel, on its event loop only.
public final class BufferRecycler {
    /// Smaller buffers come and go through malloc's own free lists.
    public static let smallest = 16 << 10
    public static let warmUp = 8
    public static let idleTime = TimeAmount.milliseconds(250)
    private let limit: Int
    private var spare: [ByteBuffer] = []
    /// Large writes since the stream was last quiet.
    private var largeWrites = 0
    private var lastWritten = NIODeadline.distantPast
    private var trimScheduled = false

    /// `limit`: how many written buffers to keep, about what a channel's
    /// high-water mark holds in flight.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Large buffers are made at least this big, so that any kept one
    /// serves the next: pieces of a socket's reads come in every size up
    /// to 64 KiB, and a kept 32 KiB buffer could not take a 40 KiB piece
    /// (swift-nio rounds capacities up to a power of two).
    public static let standard = 64 << 10

    /// An empty buffer of at least `capacity` bytes: a kept one if there is one.
    public func buffer(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard capacity >= Self.smallest else { return allocator.buffer(capacity: capacity) }
        var best: Int?
        for index in spare.indices where spare[index].capacity >= capacity {
            if best.map({ spare[index].capacity < spare[$0].capacity }) ?? true { best = index }
        }
        if let best { return spare.remove(at: best) }
        return allocator.buffer(capacity: max(capacity, Self.standard))
    }

    /// Writes `buffer` on `context` and keeps it for another turn once the
    /// write is done (a small one is simply written).
    public func write(_ buffer: ByteBuffer, as data: NIOAny, on context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard buffer.capacity >= Self.smallest else {
            context.write(data, promise: promise)
            return
        }
        largeWrites += 1
        guard largeWrites > Self.warmUp else {
            context.write(data, promise: promise)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(data, promise: written)
        let eventLoop = context.eventLoop
        written.futureResult.assumeIsolated().whenComplete { result in
            self.lastWritten = eventLoop.now
            if self.spare.count < self.limit {
                // Emptied by moving its indices, not with clear(): clear()
                // gives a buffer still shared a fresh storage, and here it
                // is shared (this closure holds it, and so may the write's
                // caller), so every kept buffer was a new allocation and
                // the written one was freed. Once handed out again it is
                // the only reference, and writing into it uses its memory.
                var kept = buffer
                kept.moveReaderIndex(to: 0)
                kept.moveWriterIndex(to: 0)
                self.spare.append(kept)
                self.trimWhenIdle(on: eventLoop)
            }
            promise?.completeWith(result)
        }
    }

    private func trimWhenIdle(on eventLoop: EventLoop) {
        guard !trimScheduled else { return }
        trimScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: Self.idleTime) {
            self.trimScheduled = false
            if eventLoop.now - self.lastWritten >= Self.idleTime {
                self.spare.removeAll()
                self.largeWrites = 0
            } else {
                self.trimWhenIdle(on: eventLoop)
            }
        }
    }
}

@available(*, unavailable)
extension BufferRecycler: Sendable {}
