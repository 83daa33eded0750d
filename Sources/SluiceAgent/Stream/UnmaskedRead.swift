import NIOCore
import NIOWebSocket
import SluiceNIOSupport

/// The client's data from one read, unmasked into one buffer instead of a
/// buffer for every piece of a frame: a read of 256 KiB holds pieces of
/// every size, more than a stream's recycler keeps, and the agent took
/// fresh buffers and their page faults (from a few thousand to 180,000
/// per GiB uploaded, varying run to run).
struct UnmaskedRead {
    private var buffer: ByteBuffer?

    /// Appends a data frame's piece. When it does not fit in the buffer
    /// so far, that buffer is returned, to be passed on before this piece.
    /// A small piece gets a buffer of its own size (the recycler keeps
    /// none that small).
    mutating func append(_ frame: WebSocketFrame, recycler: BufferRecycler, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let count = frame.data.readableBytes
        var full: ByteBuffer?
        if let current = buffer, current.writableBytes < count {
            full = current
            buffer = nil
        }
        var target = buffer ?? recycler.buffer(
            capacity: count < BufferRecycler.smallest ? count : max(count, RelaySocketOptions.largestRead), allocator: allocator)
        buffer = nil
        frame.appendUnmasked(to: &target)
        buffer = target
        return full
    }

    /// The read's data so far, if any; empty afterwards.
    mutating func take() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }
}
