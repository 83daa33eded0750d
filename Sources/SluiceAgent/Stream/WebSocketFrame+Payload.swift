import NIOCore
import NIOWebSocket
import SluiceCore
import SluiceNIOSupport

extension WebSocketFrame {
    /// The frame's application data, unmasked by WebSocketMask (eight bytes
    /// at a time) rather than by swift-nio's `unmaskedData` (one at a time).
    /// The data is shared with the decoder's buffer, so it is unmasked as
    /// it is copied out, in one pass, into a buffer from `recycler`.
    func payload(recycler: BufferRecycler, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard let maskKey else { return data }
        let count = data.readableBytes
        var unmasked = recycler.buffer(capacity: count, allocator: allocator)
        unmasked.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
            data.withUnsafeReadableBytes { WebSocketMask.copy($0, masked: maskKey, to: destination) }
            return count
        }
        return unmasked
    }
}
