import NIOCore
import NIOWebSocket
import SluiceCore

extension WebSocketFrame {
    /// Appends the frame's application data to `buffer`, unmasked by
    /// WebSocketMask (sixteen bytes at a time) rather than by swift-nio's
    /// `unmaskedData` (one at a time). The data is shared with the
    /// decoder's buffer, so it is unmasked as it is copied out, in one pass.
    func appendUnmasked(to buffer: inout ByteBuffer) {
        guard let maskKey else {
            buffer.writeImmutableBuffer(data)
            return
        }
        let count = data.readableBytes
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
            data.withUnsafeReadableBytes { WebSocketMask.copy($0, masked: maskKey, to: destination) }
            return count
        }
    }
}
